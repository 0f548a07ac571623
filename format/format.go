// Package format writes amounts, dates and times the way maeul shows them
// (Korean first): plain functions, no HTTP, shared by the domain packages
// and the pages.
package format

import (
	"strconv"
	"time"
)

// Seoul is the time zone every time is shown in.
var Seoul = func() *time.Location {
	l, err := time.LoadLocation("Asia/Seoul")
	if err != nil {
		return time.FixedZone("KST", 9*3600)
	}
	return l
}()

// Won formats an amount of won with thousands separators: 30,000,000원.
func Won(n int64) string { return Group(n) + "원" }

// Money writes an amount for lang: 30,000,000원 in Korean, KRW 30,000,000
// in English.
func Money(lang string, n int64) string {
	if lang == "en" {
		return "KRW " + Group(n)
	}
	return Won(n)
}

// MoneyShort writes an amount the short way notices do (3천만원), or as
// KRW 30,000,000 in English.
func MoneyShort(lang string, n int64) string {
	if lang == "en" {
		return "KRW " + Group(n)
	}
	return Manwon(n)
}

// Group writes n with thousands separators.
func Group(n int64) string {
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

// Manwon formats won the way notices write it: 3천만원, 450만원, 1억 2천만원;
// amounts below 10,000 fall back to Won.
func Manwon(n int64) string {
	if n < 10000 || n%10000 != 0 {
		return Won(n)
	}
	m := n / 10000 // 만원
	s := ""
	if eok := m / 10000; eok > 0 {
		s = strconv.FormatInt(eok, 10) + "억"
		m %= 10000
		if m == 0 {
			return s + "원"
		}
		s += " "
	}
	if m%1000 == 0 {
		return s + strconv.FormatInt(m/1000, 10) + "천만원"
	}
	return s + Group(m) + "만원"
}

// Million formats won in 백만원 as 서식 2-5 does, with at most two decimals.
func Million(n int64) string {
	whole := n / 1_000_000
	frac := (n % 1_000_000) / 10_000
	if frac == 0 {
		return Group(whole)
	}
	f := strconv.FormatInt(100+frac, 10)[1:]
	if f[1] == '0' {
		f = f[:1]
	}
	return Group(whole) + "." + f
}

var weekdays = map[string][7]string{
	"ko": {"일", "월", "화", "수", "목", "금", "토"},
	"en": {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"},
}

// FormatDate writes a date as 2017. 7. 15.(토) (Korean) or Sat 15 Jul 2017.
func FormatDate(lang string, t time.Time) string {
	if t.IsZero() {
		return ""
	}
	t = t.In(Seoul)
	if lang == "en" {
		return t.Format("Mon 2 Jan 2006")
	}
	return strconv.Itoa(t.Year()) + ". " + strconv.Itoa(int(t.Month())) + ". " + strconv.Itoa(t.Day()) + ".(" + weekdays["ko"][t.Weekday()] + ")"
}

// FormatTime writes 14:00.
func FormatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(Seoul).Format("15:04")
}

// FormatDateTime writes 2017. 7. 15.(토) 14:00.
func FormatDateTime(lang string, t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return FormatDate(lang, t) + " " + FormatTime(t)
}

// Late reports whether at falls after the last day due, in Seoul: a step
// done on that day (until midnight) is on time, the next day late. Every
// deadline of the plan (3.31, 7.17, 7.31, …) is such a last day.
func Late(due, at time.Time) bool {
	y, m, d := due.In(Seoul).Date()
	return !at.Before(time.Date(y, m, d+1, 0, 0, 0, 0, Seoul))
}
