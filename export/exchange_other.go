//go:build !linux && !darwin

package export

// exchangeNames cannot swap names on this system.
func exchangeNames(a, b string) error { return errNoExchange }
