package export

import (
	"errors"

	"golang.org/x/sys/unix"
)

// exchangeNames swaps the folders a and b with renameat2(2) and RENAME_EXCHANGE, which
// ext4, XFS, Btrfs and tmpfs support, and NFS does not.
func exchangeNames(a, b string) error {
	err := unix.Renameat2(unix.AT_FDCWD, a, unix.AT_FDCWD, b, unix.RENAME_EXCHANGE)
	if errors.Is(err, unix.EINVAL) || errors.Is(err, unix.ENOSYS) || errors.Is(err, unix.ENOTSUP) {
		return errNoExchange
	}
	return err
}
