// Package registration checks who may vote and gives each eligible person
// one code, across the desk (onsite), early booths (early) and online
// registration; it also owns the early booths and the kiosks (a staffed
// tablet at the venue). It sits above voting: codes are issued through
// voting.Service, inside the registration's own transaction.
//
// No name or date of birth is stored: a registration keeps a keyed hash
// (the service secret, per assembly) of the normalised identity, the
// category, an age band, the channel, the booth and the minute it was
// made — never the code it was given (see README, "Trust").
//
// The domain half (Service: this file, booths.go, kiosks.go, stats.go,
// age.go) holds the rules and the SQL; the HTTP half (Handlers: routes.go,
// api*.go, pages*.go) parses, calls the Service and renders.
package registration

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/jackc/pgx/v5/pgxpool"
	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"

	"maeul"
	"maeul/account"
	"maeul/assembly"
	"maeul/format"
	"maeul/secret"
	"maeul/voting"
)

// Channels a person can be registered on.
const (
	ChannelOnsite = voting.ChannelOnsite
	ChannelEarly  = voting.ChannelEarly
	ChannelOnline = voting.ChannelOnline
)

// Channels in the order forms list them.
var Channels = []string{ChannelOnsite, ChannelEarly, ChannelOnline}

// Service is the registration domain.
type Service struct {
	pool   *pgxpool.Pool
	voting *voting.Service
	key    *secret.Key
	// Now is the clock (tests move it); time.Now unless set.
	Now func() time.Time
	// OnChange is called after a registration (the console's counts move).
	OnChange func(assemblyID int64)
}

// NewService returns the registration service. Codes are issued through v;
// identities are keyed with key (the service secret).
func NewService(pool *pgxpool.Pool, v *voting.Service, key *secret.Key) *Service {
	return &Service{pool: pool, voting: v, key: key, Now: time.Now, OnChange: func(int64) {}}
}

func wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	var e *maeul.Error
	if errors.As(err, &e) {
		return err
	}
	return fmt.Errorf("registration: %s: %w", op, err)
}

// Person is what staff read from an ID and type in.
type Person struct {
	Name      string `json:"name"`
	BirthDate string `json:"birth_date"` // YYYY-MM-DD (8 digits also taken)
	Category  string `json:"category"`
	Channel   string `json:"channel"`
	Booth     int64  `json:"-"` // an early booth's id
}

// Registered is the outcome of a registration: the person's code, shown
// (or printed) once.
type Registered struct {
	Code     voting.IssuedCode
	Channel  string
	Place    string // the booth's place, for early
	AgeBand  string
	Category string
}

// MaxName is the longest name taken.
const MaxName = 100

// Register registers a person for an assembly the host manages and issues
// their code. Returns EINVALID (422) for a missing or bad field, an
// ineligible category or a person too young; ECONFLICT (409) for the same
// person again on any channel (the message says where and when they were
// registered), for an assembly that does not check eligibility (bulk
// codes) or is not open for registration, and for a booth whose window has
// ended.
func (s *Service) Register(ctx context.Context, u *account.User, assemblyID int64, p Person) (*Registered, error) {
	a, err := assembly.FindAssembly(ctx, s.pool, assemblyID)
	if err != nil {
		return nil, wrap("find assembly", err)
	}
	if !u.CanManage(a.District, a.Dong) {
		return nil, account.Forbid()
	}
	return s.register(ctx, a, &u.ID, p)
}

// registrationOpen refuses an assembly that does not register people now.
func registrationOpen(a *assembly.Assembly) error {
	switch a.State {
	case assembly.StatePublished, assembly.StateOpen:
	case assembly.StateDraft:
		return maeul.Errorf(maeul.ECONFLICT, "registration.draft")
	default:
		return maeul.Errorf(maeul.ECONFLICT, "registration.closed")
	}
	if !a.NeedsRegistration() {
		return maeul.Errorf(maeul.ECONFLICT, "registration.not_needed")
	}
	return nil
}

func (s *Service) register(ctx context.Context, a *assembly.Assembly, userID *int64, p Person) (*Registered, error) {
	if err := registrationOpen(a); err != nil {
		return nil, err
	}
	name := NormalizeName(p.Name)
	if name == "" {
		return nil, maeul.FieldErrorf(maeul.EINVALID, "name", "registration.no_name")
	}
	if len([]rune(strings.TrimSpace(p.Name))) > MaxName {
		return nil, maeul.FieldErrorf(maeul.EINVALID, "name", "registration.name_long", MaxName)
	}
	now := s.Now()
	birth, err := ParseBirthDate(p.BirthDate, now)
	if err != nil {
		return nil, err
	}
	if !known(p.Category) {
		return nil, maeul.FieldErrorf(maeul.EINVALID, "category", "registration.bad_category")
	}
	if !a.IsEligible(p.Category) {
		return nil, maeul.FieldErrorf(maeul.EINVALID, "category", "registration.not_eligible_"+p.Category)
	}
	var booth *Booth
	switch p.Channel {
	case ChannelOnsite, ChannelOnline:
		p.Booth = 0
	case ChannelEarly:
		if p.Booth == 0 {
			return nil, maeul.FieldErrorf(maeul.EINVALID, "booth", "registration.no_booth")
		}
		if booth, err = findBooth(ctx, s.pool, a.ID, p.Booth); err != nil {
			if maeul.ErrorCode(err) == maeul.ENOTFOUND {
				return nil, maeul.FieldErrorf(maeul.EINVALID, "booth", "registration.no_booth")
			}
			return nil, err
		}
		if !now.Before(booth.EndsAt) {
			return nil, maeul.FieldErrorf(maeul.ECONFLICT, "booth", "registration.booth_over")
		}
	default:
		return nil, maeul.FieldErrorf(maeul.EINVALID, "channel", "registration.bad_channel")
	}
	opens, err := s.VotingOpens(ctx, a)
	if err != nil {
		return nil, err
	}
	age := AgeOn(birth, opens)
	if age < a.MinAge {
		return nil, maeul.FieldErrorf(maeul.EINVALID, "birth_date", "registration.too_young",
			a.MinAge, format.FormatDate("ko", opens), age)
	}
	id := s.identity(a.ID, name, birth)

	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return nil, wrap("begin", err)
	}
	defer tx.Rollback(ctx)
	var boothID *int64
	if p.Booth != 0 {
		boothID = &p.Booth
	}
	// ON CONFLICT DO NOTHING waits for a concurrent registration of the
	// same person (another desk, another instance) and inserts nothing if
	// it committed: the primary key decides, exactly one wins.
	tag, err := tx.Exec(ctx, `INSERT INTO registrations (assembly_id, identity_hash, category, age_band, channel, booth_id, registered_at)
		VALUES ($1, $2, $3, $4, $5, $6, date_trunc('minute', now()))
		ON CONFLICT (assembly_id, identity_hash) DO NOTHING`, a.ID, id, p.Category, AgeBand(age), p.Channel, boothID)
	if err != nil {
		return nil, wrap("insert registration", err)
	}
	if tag.RowsAffected() == 0 {
		tx.Rollback(ctx)
		return nil, s.duplicate(ctx, a, id, p.Channel)
	}
	code, err := s.voting.IssueRegisteredCode(ctx, tx, a, userID, p.Channel, p.Booth)
	if err != nil {
		return nil, wrap("issue code", err)
	}
	if err := tx.Commit(ctx); err != nil {
		return nil, wrap("commit registration", err)
	}
	s.OnChange(a.ID)
	r := &Registered{Code: code, Channel: p.Channel, AgeBand: AgeBand(age), Category: p.Category}
	if booth != nil {
		r.Place = booth.Place
	}
	return r, nil
}

// duplicate counts a refused duplicate and says where and when the person
// was registered, so staff can act on it.
func (s *Service) duplicate(ctx context.Context, a *assembly.Assembly, id []byte, channel string) error {
	if _, err := s.pool.Exec(ctx, `INSERT INTO registration_refusals (assembly_id, channel, count) VALUES ($1, $2, 1)
		ON CONFLICT (assembly_id, channel) DO UPDATE SET count = registration_refusals.count + 1`, a.ID, channel); err != nil {
		return wrap("count refusal", err)
	}
	s.OnChange(a.ID)
	var was string
	var place *string
	var at time.Time
	err := s.pool.QueryRow(ctx, `SELECT r.channel, b.place, r.registered_at FROM registrations r
		LEFT JOIN booths b ON b.id = r.booth_id WHERE r.assembly_id = $1 AND r.identity_hash = $2`, a.ID, id).
		Scan(&was, &place, &at)
	if err != nil {
		return wrap("find registration", err)
	}
	when := format.FormatTime(at)
	if at.In(format.Seoul).Format("20060102") != s.Now().In(format.Seoul).Format("20060102") {
		when = format.FormatDate("ko", at) + " " + when
	}
	if was == ChannelEarly && place != nil {
		return maeul.Errorf(maeul.ECONFLICT, "registration.duplicate_early", *place, when)
	}
	return maeul.Errorf(maeul.ECONFLICT, "registration.duplicate_"+was, when)
}

func known(category string) bool {
	for _, c := range assembly.EligibleCategories {
		if c == category {
			return true
		}
	}
	return false
}

// NormalizeName is a name as the identity hash takes it: Unicode NFC,
// every space removed, case-folded ("Kim Min Ji" = "kimminji",
// "김 민지" = "김민지").
func NormalizeName(s string) string {
	s = norm.NFC.String(s)
	s = strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || r == '\u200b' || r == '\ufeff' {
			return -1
		}
		return r
	}, s)
	return cases.Fold().String(s)
}

// identity is the keyed hash of a person for one assembly: without the
// service secret a dump cannot be searched for a name and birth date, and
// the same person's rows of two assemblies do not match.
func (s *Service) identity(assemblyID int64, name string, birth time.Time) []byte {
	var aid [8]byte
	binary.BigEndian.PutUint64(aid[:], uint64(assemblyID))
	return s.key.MAC("registration identity v1", aid[:], []byte(name), []byte(birth.Format("2006-01-02")))
}

// readable loads an assembly the host may read: EFORBIDDEN otherwise.
func (s *Service) readable(ctx context.Context, u *account.User, id int64) (*assembly.Assembly, error) {
	return assembly.FindReadable(ctx, s.pool, u, id)
}

// managed loads an assembly the host may change: EFORBIDDEN otherwise.
func (s *Service) managed(ctx context.Context, u *account.User, id int64) (*assembly.Assembly, error) {
	return assembly.FindManaged(ctx, s.pool, u, id)
}
