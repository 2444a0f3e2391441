package auth

import (
	"errors"
	"fmt"

	"golang.org/x/crypto/bcrypt"
)

// DefaultCost is the bcrypt cost of stored hashes: about a quarter of a
// second per check on a small server, which is what makes a stolen hash
// slow to guess and what the login rate limit keeps from becoming a way to
// load the CPU.
const DefaultCost = 12

// MaxPasswordBytes is bcrypt's limit; longer passwords are refused rather
// than silently cut.
const MaxPasswordBytes = 72

// ErrPasswordTooLong is returned for a password bcrypt cannot hash whole.
var ErrPasswordTooLong = fmt.Errorf("password is longer than %d bytes", MaxPasswordBytes)

// HashPassword returns the bcrypt hash of password at cost (DefaultCost
// when 0).
func HashPassword(password string, cost int) (string, error) {
	if len(password) > MaxPasswordBytes {
		return "", ErrPasswordTooLong
	}
	if password == "" {
		return "", errors.New("password is empty")
	}
	if cost == 0 {
		cost = DefaultCost
	}
	h, err := bcrypt.GenerateFromPassword([]byte(password), cost)
	if err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	return string(h), nil
}

// CheckPassword reports whether password matches hash. It takes as long
// for a wrong password as for a right one (bcrypt recomputes the hash).
func CheckPassword(hash, password string) bool {
	if len(password) > MaxPasswordBytes {
		return false
	}
	return bcrypt.CompareHashAndPassword([]byte(hash), []byte(password)) == nil
}
