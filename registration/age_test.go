package registration

import (
	"testing"
	"time"

	"maeul/format"
)

// 만 나이 on the Seoul date: the birthday counts; born on 29 February, one
// is a year older on 28 February of a common year; the Seoul date, not UTC.
func TestAgeOn(t *testing.T) {
	d := func(y int, m time.Month, dd int) time.Time { return time.Date(y, m, dd, 0, 0, 0, 0, time.UTC) }
	seoul := func(y int, m time.Month, dd, h int) time.Time { return time.Date(y, m, dd, h, 0, 0, 0, format.Seoul) }
	for _, c := range []struct {
		birth, day time.Time
		want       int
	}{
		{d(2012, 7, 15), seoul(2026, 7, 15, 0), 14},
		{d(2012, 7, 16), seoul(2026, 7, 15, 23), 13},
		{d(2012, 2, 29), seoul(2026, 2, 28, 9), 14},
		{d(2012, 2, 29), seoul(2026, 2, 27, 9), 13},
		{d(2012, 2, 29), seoul(2028, 2, 28, 9), 15},
		{d(2012, 2, 29), seoul(2028, 2, 29, 9), 16},
		// 00:30 in Seoul on 15 July is still 14 July in UTC.
		{d(2012, 7, 15), seoul(2026, 7, 15, 0).Add(30 * time.Minute).UTC(), 14},
	} {
		if got := AgeOn(c.birth, c.day); got != c.want {
			t.Errorf("born %s, on %s: %d, want %d", c.birth.Format("2006-01-02"), c.day.In(format.Seoul), got, c.want)
		}
	}
	for age, band := range map[int]string{13: "0-13", 14: "14-19", 19: "14-19", 20: "20-29", 45: "40-49", 69: "60-69", 70: "70+", 101: "70+"} {
		if got := AgeBand(age); got != band {
			t.Errorf("AgeBand(%d) = %q, want %q", age, got, band)
		}
	}
	if NormalizeName(" Kim  Min\u3000Ji ") != "kimminji" || NormalizeName("김 민지") != NormalizeName("김민지") {
		t.Error("names are not normalised alike")
	}
}
