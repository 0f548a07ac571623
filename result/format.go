package result

import (
	"strconv"
	"time"
)

// The few formats the domain writes into stored content (the submission,
// the audit log, the Pabulib file, the recount). They are the same as
// web's; the domain half does not import web.

// seoul is the time zone of deadlines and plan years.
var seoul = func() *time.Location {
	l, err := time.LoadLocation("Asia/Seoul")
	if err != nil {
		return time.FixedZone("KST", 9*3600)
	}
	return l
}()

// group writes n with thousands separators.
func group(n int64) string {
	neg := n < 0
	if neg {
		n = -n
	}
	s := strconv.FormatInt(n, 10)
	out := make([]byte, 0, len(s)+len(s)/3+1)
	for i, ch := range []byte(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, ch)
	}
	if neg {
		return "-" + string(out)
	}
	return string(out)
}

// won writes an amount of won: 30,000,000원.
func won(n int64) string { return group(n) + "원" }

// million writes won in 백만원 as 서식 2-5 does, with at most two decimals.
func million(n int64) string {
	whole := n / 1_000_000
	frac := (n % 1_000_000) / 10_000
	if frac == 0 {
		return group(whole)
	}
	f := strconv.FormatInt(100+frac, 10)[1:]
	if f[1] == '0' {
		f = f[:1]
	}
	return group(whole) + "." + f
}

// parseID reads an opaque id; 0 when it is not one.
func parseID(s string) int64 {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		return 0
	}
	return n
}
