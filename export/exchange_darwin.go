package export

import (
	"errors"

	"golang.org/x/sys/unix"
)

// exchangeNames swaps the folders a and b with renamex_np(2) and RENAME_SWAP (APFS).
func exchangeNames(a, b string) error {
	err := unix.RenamexNp(a, b, unix.RENAME_SWAP)
	if errors.Is(err, unix.EINVAL) || errors.Is(err, unix.ENOTSUP) {
		return errNoExchange
	}
	return err
}
