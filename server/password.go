package server

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"github.com/trustelem/zxcvbn"
	"golang.org/x/crypto/argon2"
)

// PasswordParams are the argon2id cost parameters. The defaults follow the
// second recommended option of RFC 9106 §4 (t=3, 64 MiB), with two lanes
// for small servers; tests pass cheaper ones.
type PasswordParams struct {
	Time    uint32
	Memory  uint32 // KiB
	Threads uint8
}

// DefaultPasswordParams are the costs used unless Config says otherwise.
var DefaultPasswordParams = PasswordParams{Time: 3, Memory: 64 * 1024, Threads: 2}

const (
	saltLen = 16
	keyLen  = 32
)

// hashPassword returns the PHC string of an argon2id hash of password:
// $argon2id$v=19$m=65536,t=3,p=2$SALT$HASH. The parameters travel with the
// hash, so that raising them later does not lock anyone out.
func hashPassword(password string, p PasswordParams) (string, error) {
	salt := make([]byte, saltLen)
	rand.Read(salt)
	key := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, keyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

var errBadHash = errors.New("unrecognised password hash")

// checkPassword reports whether password matches the encoded hash, in
// constant time with respect to the key.
func checkPassword(encoded, password string) (bool, error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return false, errBadHash
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false, errBadHash
	}
	var p PasswordParams
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil || p.Time == 0 || p.Threads == 0 {
		return false, errBadHash
	}
	b64 := base64.RawStdEncoding
	salt, err := b64.DecodeString(parts[4])
	if err != nil {
		return false, errBadHash
	}
	want, err := b64.DecodeString(parts[5])
	if err != nil || len(want) == 0 {
		return false, errBadHash
	}
	got := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// minPasswordLen is the shortest password accepted when one is chosen (NIST
// SP 800-63B §3.1.1.2 asks for at least 8; we ask for 12).
const minPasswordLen = 12

// minGuessScore is the zxcvbn score a chosen password needs: 3 means an
// estimated 10^8 guesses or more ("safely unguessable" against online
// guessing and moderately against an offline attack on the slow hash).
const minGuessScore = 3

// checkNewPassword says what is wrong with a password a user chose. Besides
// the length, it refuses the login and full names and what is easy to
// guess: zxcvbn (shipped in the binary with its lists of about 30,000 common
// passwords and of common words and names) rates it, as NIST SP 800-63B
// §3.1.1.2 asks verifiers to check chosen passwords against such lists.
func checkNewPassword(login, name, password string) error {
	switch {
	case len([]rune(password)) < minPasswordLen:
		return fmt.Errorf("the password must have at least %d characters", minPasswordLen)
	case len(password) > 1024:
		return errors.New("the password is longer than 1024 bytes")
	case strings.EqualFold(password, login):
		return errors.New("the password must not be the login name")
	case name != "" && strings.EqualFold(strings.Join(strings.Fields(password), " "), strings.Join(strings.Fields(name), " ")):
		return errors.New("the password must not be your name")
	}
	// zxcvbn's matching grows faster than linearly with the length; its
	// authors rate the first 100 characters only, and so do we.
	rated := []rune(password)
	if len(rated) > 100 {
		rated = rated[:100]
	}
	if zxcvbn.PasswordStrength(string(rated), []string{login, name, "sovmap"}).Score < minGuessScore {
		return errors.New("the password is too easy to guess (a common password, or common words, names, dates, keyboard patterns or repeats): a passphrase of four or more unrelated words is best")
	}
	return nil
}

// randomSecret returns n random bytes in URL-safe base64, for one-time
// passwords, session cookies, CSRF tokens and API tokens.
func randomSecret(n int) string {
	b := make([]byte, n)
	rand.Read(b) // never fails since Go 1.24: it crashes the program instead
	return base64.RawURLEncoding.EncodeToString(b)
}
