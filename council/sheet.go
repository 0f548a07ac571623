package council

import (
	"context"
	"strings"

	"maeul/account"
)

// ReadableDong picks the dong a host's request is about: the district and
// dong asked for, or the host's own dong when none is asked. ok is false for
// district and city hosts who asked for none (they get the list).
// EFORBIDDEN for a dong the host may not read. Reading: the dong's hosts,
// its district's hosts and the city (CanRead); changing: only that dong's.
func ReadableDong(u *account.User, district, dong string) (string, string, bool, error) {
	district, dong = strings.TrimSpace(district), strings.TrimSpace(dong)
	if district == "" && dong == "" {
		if u.Role != account.RoleDong {
			return "", "", false, nil
		}
		district, dong = u.District, u.Dong
	}
	if !u.CanRead(district, dong) {
		return "", "", false, account.Forbid()
	}
	return district, dong, true, nil
}

// Sheet is what the roster page and 서식 2-1 are filled from: the stored
// counts, the four rules checked on them, and the kept member list (empty
// unless the host kept the names; phone and signature stay blank for the
// paper).
type Sheet struct {
	Roster  *Roster
	Rules   []Rule
	AllOK   bool
	Members []Member
}

// Sheet returns the dong's roster of the plan year with its rules and kept
// names, or ENOTFOUND.
func (s *Service) Sheet(ctx context.Context, district, dong string, year int) (*Sheet, error) {
	r, err := s.Find(ctx, district, dong, year)
	if err != nil {
		return nil, err
	}
	sh := &Sheet{Roster: r, Rules: Exempted(Rules(r.Counts), r.Chatdong)}
	sh.AllOK = AllOK(sh.Rules)
	if r.KeepNames {
		if sh.Members, err = s.Members(ctx, r.ID); err != nil {
			return nil, err
		}
	}
	return sh, nil
}

// File is a member list a dong host sends for a plan year.
type File struct {
	Name        string
	Data        []byte
	PlanYear    int
	CouncilType string
	KeepNames   bool
}

// Import reads a member list and, when every row is good, saves it as the
// roster of u's dong for the plan year. Bad rows come back as RowErrors and
// nothing is saved; a file that cannot be read, a bad council type or an
// empty list is EINVALID; a host who is not a dong host gets EFORBIDDEN.
func (s *Service) Import(ctx context.Context, u *account.User, f File) (*Roster, []RowError, error) {
	if u == nil || u.Role != account.RoleDong {
		return nil, nil, account.Forbid()
	}
	members, rowErrs, err := ParseFile(f.Name, f.Data, f.PlanYear)
	if err != nil || len(rowErrs) > 0 {
		return nil, rowErrs, err
	}
	r, err := s.Save(ctx, Upload{District: u.District, Dong: u.Dong, PlanYear: f.PlanYear,
		CouncilType: f.CouncilType, KeepNames: f.KeepNames, UploadedBy: u.ID, Members: members})
	return r, nil, err
}
