package registration

import (
	"context"
	"strings"
	"time"

	"maeul"
	"maeul/assembly"
	"maeul/format"
)

// ParseBirthDate reads a date of birth as staff type it: 1958-03-12,
// 1958.03.12, 1958/3/12 or 19580312. A date after today or before 1900 is
// refused (EINVALID, field birth_date).
func ParseBirthDate(s string, now time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	bad := maeul.FieldErrorf(maeul.EINVALID, "birth_date", "registration.bad_birth_date")
	if s == "" {
		return time.Time{}, maeul.FieldErrorf(maeul.EINVALID, "birth_date", "registration.no_birth_date")
	}
	var t time.Time
	var err error
	if len(s) == 8 && strings.Trim(s, "0123456789") == "" {
		t, err = time.Parse("20060102", s)
	} else {
		s = strings.NewReplacer(".", "-", "/", "-", " ", "").Replace(strings.TrimSuffix(s, "."))
		t, err = time.Parse("2006-1-2", s)
	}
	if err != nil {
		return time.Time{}, bad
	}
	today := now.In(format.Seoul)
	if t.Year() < 1900 || t.After(time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, time.UTC)) {
		return time.Time{}, bad
	}
	return t, nil
}

// AgeOn is the age in full years (만 나이) on the Seoul date of day. Born
// on 29 February, one is a year older on 28 February of a common year
// (민법 제160조: a period ends on the month's last day).
func AgeOn(birth, day time.Time) int {
	d := day.In(format.Seoul)
	y, m, dd := d.Date()
	bm, bd := birth.Month(), birth.Day()
	if bm == time.February && bd == 29 && !isLeap(y) {
		bd = 28
	}
	age := y - birth.Year()
	if m < bm || m == bm && dd < bd {
		age--
	}
	return age
}

func isLeap(y int) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

// AgeBand is the coarse age kept with a registration (never the date).
func AgeBand(age int) string {
	switch {
	case age < 14:
		return "0-13"
	case age < 20:
		return "14-19"
	case age >= 70:
		return "70+"
	}
	lo := age / 10 * 10
	return itoa(lo) + "-" + itoa(lo+9)
}

func itoa(n int) string {
	return string(rune('0'+n/10)) + string(rune('0'+n%10))
}

// VotingOpens is the moment "when voting opens" for the age rule: the
// earliest of the assembly's start, the online window's start and the
// earliest early booth's start. Its Seoul date is the day on which a person
// must have reached the minimum age (the day they turn 14 counts).
func (s *Service) VotingOpens(ctx context.Context, a *assembly.Assembly) (time.Time, error) {
	t := a.StartsAt
	if a.OnlineFrom != nil && a.OnlineFrom.Before(t) {
		t = *a.OnlineFrom
	}
	var first *time.Time
	if err := s.pool.QueryRow(ctx, `SELECT min(starts_at) FROM booths WHERE assembly_id = $1`, a.ID).Scan(&first); err != nil {
		return time.Time{}, wrap("first booth", err)
	}
	if first != nil && first.Before(t) {
		t = *first
	}
	return t, nil
}
