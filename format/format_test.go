package format

import (
	"testing"
	"time"
)

func TestMoney(t *testing.T) {
	for _, c := range []struct {
		n                 int64
		won, manwon, mill string
	}{
		{0, "0원", "0원", "0"},
		{5_000_000, "5,000,000원", "500만원", "5"},
		{30_000_000, "30,000,000원", "3천만원", "30"},
		{2_500_000, "2,500,000원", "250만원", "2.5"},
		{120_000_000, "120,000,000원", "1억 2천만원", "120"},
		{100_000_000, "100,000,000원", "1억원", "100"},
		{1_234_567, "1,234,567원", "1,234,567원", "1.23"},
		{9_999, "9,999원", "9,999원", "0"},
	} {
		if got := Won(c.n); got != c.won {
			t.Errorf("Won(%d) = %q, want %q", c.n, got, c.won)
		}
		if got := Manwon(c.n); got != c.manwon {
			t.Errorf("Manwon(%d) = %q, want %q", c.n, got, c.manwon)
		}
		if got := Million(c.n); got != c.mill {
			t.Errorf("Million(%d) = %q, want %q", c.n, got, c.mill)
		}
	}
	if got := Money("en", 30_000_000); got != "KRW 30,000,000" {
		t.Errorf("Money en = %q", got)
	}
	if got := MoneyShort("ko", 30_000_000); got != "3천만원" {
		t.Errorf("MoneyShort ko = %q", got)
	}
}

func TestFormatDate(t *testing.T) {
	d := time.Date(2017, 7, 15, 5, 0, 0, 0, time.UTC) // 14:00 in Seoul, a Saturday
	if got := FormatDateTime("ko", d); got != "2017. 7. 15.(토) 14:00" {
		t.Errorf("ko: %q", got)
	}
	if got := FormatDateTime("en", d); got != "Sat 15 Jul 2017 14:00" {
		t.Errorf("en: %q", got)
	}
}

// The last day due is on time until midnight in Seoul, whatever the zone
// the times come in; the next day is late.
func TestLate(t *testing.T) {
	due := time.Date(2027, 3, 31, 0, 0, 0, 0, Seoul)
	for _, c := range []struct {
		at   time.Time
		late bool
	}{
		{time.Date(2027, 3, 31, 23, 59, 59, 0, Seoul), false},
		{time.Date(2027, 4, 1, 0, 0, 0, 0, Seoul), true},
		{time.Date(2027, 3, 31, 14, 59, 59, 0, time.UTC), false}, // 23:59:59 in Seoul
		{time.Date(2027, 3, 31, 15, 0, 0, 0, time.UTC), true},    // 00:00 on 4.1 in Seoul
		{time.Date(2027, 3, 1, 0, 0, 0, 0, Seoul), false},
	} {
		if got := Late(due, c.at); got != c.late {
			t.Errorf("Late(3.31, %v) = %v, want %v", c.at, got, c.late)
		}
	}
}
