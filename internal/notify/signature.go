package notify

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Header names of a webhook delivery.
const (
	// SignatureHeader carries "t=TIMESTAMP,v1=SIGNATURE": TIMESTAMP is Unix
	// seconds when the attempt was sent and SIGNATURE is lower-case hex of
	// HMAC-SHA256(secret, TIMESTAMP + "." + body). Each retry is signed
	// afresh; the body stays the same.
	SignatureHeader = "Borderwatch-Signature"
	// IdempotencyHeader carries the delivery's key, the same on every
	// retry: a receiver that has seen it already acknowledges and skips it,
	// which makes delivery exactly once from its point of view.
	IdempotencyHeader = "Idempotency-Key"
)

// DefaultTolerance is how far a signature's timestamp may be from the
// receiver's clock before Verify refuses it, against replays.
const DefaultTolerance = 5 * time.Minute

// ErrSignature is wrapped by every Verify failure.
var ErrSignature = errors.New("notify: bad webhook signature")

// Sign returns the SignatureHeader value for body sent at ts.
func Sign(secret []byte, ts time.Time, body []byte) string {
	t := strconv.FormatInt(ts.Unix(), 10)
	return "t=" + t + ",v1=" + hex.EncodeToString(mac(secret, t, body))
}

func mac(secret []byte, t string, body []byte) []byte {
	h := hmac.New(sha256.New, secret)
	h.Write([]byte(t))
	h.Write([]byte{'.'})
	h.Write(body)
	return h.Sum(nil)
}

// Verify checks a SignatureHeader value against the body as received and
// the shared secret; the timestamp must be within tolerance of now
// (DefaultTolerance when tolerance is 0). Several v1 entries are allowed so
// a sender can sign with an old and a new secret while rotating.
func Verify(secret []byte, header string, body []byte, now time.Time, tolerance time.Duration) error {
	if tolerance <= 0 {
		tolerance = DefaultTolerance
	}
	var t string
	var sigs [][]byte
	for part := range strings.SplitSeq(header, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return fmt.Errorf("%w: malformed part %q", ErrSignature, part)
		}
		switch k {
		case "t":
			t = v
		case "v1":
			b, err := hex.DecodeString(v)
			if err != nil || len(b) != sha256.Size {
				return fmt.Errorf("%w: v1 is not a hex SHA-256", ErrSignature)
			}
			sigs = append(sigs, b)
		}
	}
	if t == "" || len(sigs) == 0 {
		return fmt.Errorf("%w: need t= and v1=", ErrSignature)
	}
	sec, err := strconv.ParseInt(t, 10, 64)
	if err != nil {
		return fmt.Errorf("%w: timestamp %q", ErrSignature, t)
	}
	if d := now.Sub(time.Unix(sec, 0)); d > tolerance || d < -tolerance {
		return fmt.Errorf("%w: timestamp %s off by %s", ErrSignature, t, d.Round(time.Second))
	}
	want := mac(secret, t, body)
	for _, s := range sigs {
		if hmac.Equal(s, want) {
			return nil
		}
	}
	return fmt.Errorf("%w: no signature matches", ErrSignature)
}
