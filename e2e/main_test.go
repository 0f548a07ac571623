// Package e2e holds the checks that run across every page of the service:
// accessibility (axe-core and the other a11ytest checks), English
// completeness, and page weight. The pages are listed once, in pages below;
// a new page is one more line there.
package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"maeul/account"
	"maeul/assembly"
	"maeul/council"
	"maeul/database/dbtest"
	"maeul/server/servertest"
	"maeul/voting"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// Fixture states a page may need.
const (
	none      = ""
	published = "published"
	open      = "open"
	announced = "announced"
)

// page is one page of the service as the cross-page checks see it. Path may
// hold {slug}, {id} (the assembly of the fixture in State), {agenda} (its
// first agenda), {code} (an unused voting code of it) and {used} (a code
// that has voted).
type page struct {
	Name  string
	State string
	Path  string
	As    string // "" a resident; or the host role: "dong" (the fixture's dong), "district", "city"
	// Known lists checks with a known fault that is routed to the page's
	// owner: "zoom200" (both languages), "en/axe" (one language), "english"
	// (TestEnglishComplete). They still run and print what they find, but
	// do not fail; when a fault is fixed the test says so, and the entry
	// goes. Everything else fails the test.
	Known []string
}

// known reports whether check (in lang) is a known fault of p.
func (p page) known(lang, check string) bool {
	for _, k := range p.Known {
		if k == check || k == lang+"/"+check {
			return true
		}
	}
	return false
}

// pages is every page the checks cover. Add a page here and it is checked
// for accessibility in Korean and English, and for untranslated text.
var pages = []page{
	{"home", none, "/", "", nil},
	{"login", none, "/login", "", nil},
	{"error page", none, "/no/such/page", "", nil},
	{"host home", none, "/host", "dong", nil},
	{"council roster", none, "/host/council?year=2026", "dong", nil},
	{"council application", none, "/host/council/application?year=2026", "dong", nil},
	{"council list (district)", none, "/host/council?year=2026", "district", nil},
	{"new assembly", none, "/host/assemblies/new", "dong", nil},
	{"booklet", published, "/a/{slug}", "", nil},
	{"notice", published, "/a/{slug}/notice", "", nil},
	{"host assembly", published, "/host/assemblies/{id}", "dong", nil},
	{"edit assembly", published, "/host/assemblies/{id}/edit", "dong", nil},
	{"new agenda", published, "/host/assemblies/{id}/agendas/new", "dong", nil},
	{"import agendas", published, "/host/assemblies/{id}/import", "dong", nil},
	{"edit agenda", published, "/host/agendas/{agenda}", "dong", nil},
	{"agenda photos", published, "/host/agendas/{agenda}/photos", "dong", nil},
	{"rehearsal", published, "/host/assemblies/{id}/rehearsal", "dong", nil},
	{"ballot: code entry", open, "/v/{slug}", "", nil},
	{"ballot: with a code", open, "/v/{slug}?code={code}", "", nil},
	{"ballot: used code", open, "/v/{slug}?code={used}", "", nil},
	{"projector", open, "/p/{slug}", "dong", nil},
	{"projector links", open, "/p/{slug}/links", "dong", nil},
	{"host console", open, "/host/assemblies/{id}/console", "dong", nil},
	{"paper ballots", open, "/host/assemblies/{id}/paper", "dong", nil},
	{"results", announced, "/r/{slug}", "", nil},
	{"host results", announced, "/host/assemblies/{id}/results", "dong", nil},
	{"district office", none, "/host/district", "district", nil},
	{"city office", none, "/host/city", "city", nil},
	// After the assembly (execution) and the district plan: setup in after_test.go.
	{"execution agenda", none, "/host/execution/agendas/{exec-agenda}", "dong", nil},
	{"execution home", none, "/host/execution?year=2026", "dong", nil},
	{"shared results", none, "/s/{share}", "", nil},
	{"open data", none, "/open", "", nil},
	{"district plan", none, "/host/district-plans/{district}?year=2027", "district", nil},
	{"plan survey", none, "/survey/{survey}", "", nil},
}

// site is a running service with fixtures for the pages.
type site struct {
	e              *servertest.Env
	host           *servertest.Host
	ascii          bool
	district, dong string

	mu       sync.Mutex
	fixtures map[string]*assembly.Assembly
	hosts    map[string]*servertest.Host
}

// newSite starts the service with a dong host and its council roster. With
// ascii, every piece of user data (district, dong, titles, names) is ASCII,
// so Hangul on an English page can only come from the service itself.
func newSite(t *testing.T, ascii bool) *site {
	t.Helper()
	s := &site{e: servertest.Start(t), ascii: ascii, district: "마포구", dong: "성산1동", fixtures: map[string]*assembly.Assembly{}, hosts: map[string]*servertest.Host{}}
	if ascii {
		s.district, s.dong = "Mapo-gu", "Seongsan-1"
	}
	s.host = s.e.NewHost(t, account.RoleDong, s.district, s.dong)
	s.hosts[account.RoleDong] = s.host
	s.hosts[account.RoleDistrict] = s.e.NewHost(t, account.RoleDistrict, s.district, "")
	s.hosts[account.RoleCity] = s.e.NewHost(t, account.RoleCity, "", "")
	ms := make([]council.Member, 32)
	for i := range ms {
		ms[i] = council.Member{Row: i + 2, Name: fmt.Sprintf("주민 %d", i+1), Gender: council.Female, BirthYear: 1960 + i, Affiliation: council.General}
		if ascii {
			ms[i].Name = fmt.Sprintf("Member %d", i+1)
		}
		if i%2 == 0 {
			ms[i].Gender = council.Male
		}
		if i < 6 {
			ms[i].Affiliation = council.Committee
		}
	}
	st := council.NewService(s.e.DB.Pool)
	if _, err := st.Save(context.Background(), council.Upload{District: s.district, Dong: s.dong, PlanYear: 2026,
		CouncilType: council.TypePlanned, KeepNames: true, Members: ms}); err != nil {
		t.Fatal(err)
	}
	return s
}

// fixture returns the assembly in the given state, made on first use.
func (s *site) fixture(t *testing.T, state string) *assembly.Assembly {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if a := s.fixtures[state]; a != nil {
		return a
	}
	st := state
	if state == announced {
		st = assembly.StateClosed
	}
	a, _ := s.e.Fixture(t, servertest.FixtureOptions{District: s.district, Dong: s.dong, State: st})
	if s.ascii {
		ctx := context.Background()
		if _, err := s.e.DB.Pool.Exec(ctx, `UPDATE assemblies SET title = 'Seongsan-1 village assembly', place = 'Community centre, 3rd floor' WHERE id = $1`, a.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.e.DB.Pool.Exec(ctx, `UPDATE agendas SET title = 'Agenda ' || number, summary = 'What it does', location = 'Near the market' WHERE assembly_id = $1`, a.ID); err != nil {
			t.Fatal(err)
		}
	}
	if state == announced {
		r := s.host.API(t, "POST", fmt.Sprintf("/api/v1/assemblies/%d/announce", a.ID), nil)
		if r.Status/100 != 2 {
			t.Fatalf("announce the fixture: %d %s", r.Status, r.Body)
		}
	}
	found, err := assembly.FindAssembly(context.Background(), s.e.DB.Pool, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	s.fixtures[state] = found
	return found
}

// path fills the page's placeholders and adds the language.
func (s *site) path(t *testing.T, p page, lang string) string {
	t.Helper()
	path := p.Path
	if p.State != none {
		a := s.fixture(t, p.State)
		path = strings.NewReplacer("{slug}", a.Slug, "{id}", fmt.Sprint(a.ID)).Replace(path)
		if strings.Contains(path, "{agenda}") {
			gs, err := assembly.FindAgendas(context.Background(), s.e.DB.Pool, a.ID)
			if err != nil || len(gs) == 0 {
				t.Fatalf("the fixture's agendas: %v", err)
			}
			path = strings.ReplaceAll(path, "{agenda}", fmt.Sprint(gs[0].ID))
		}
		for _, ph := range []string{"{code}", "{used}"} {
			if !strings.Contains(path, ph) {
				continue
			}
			codes, err := voting.DemoCodes(context.Background(), s.e.Server.Voting, a, s.host.User, 1)
			if err != nil || len(codes) == 0 {
				t.Fatalf("issue a voting code: %v", err)
			}
			if ph == "{used}" {
				gs, err := assembly.FindAgendas(context.Background(), s.e.DB.Pool, a.ID)
				if err != nil || len(gs) == 0 {
					t.Fatalf("the fixture's agendas: %v", err)
				}
				r := s.e.Do(t, "POST", "/api/v1/ballots", "", map[string]any{"assembly": a.Slug, "code": codes[0].Code,
					"choices": []string{fmt.Sprint(gs[0].ID)}, "nonce": "e2e-" + codes[0].Code})
				if r.Status != 201 {
					t.Fatalf("use the code: %d %s", r.Status, r.Body)
				}
			}
			path = strings.ReplaceAll(path, ph, url.QueryEscape(codes[0].Code))
		}
	}
	path = s.afterAssembly(t, path)
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	return path + sep + "lang=" + lang
}

// browser starts a headless Chromium for one page, logged in as the page's
// host if it has one.
func (s *site) browser(t *testing.T, p page) context.Context {
	t.Helper()
	ctx := servertest.Browser(t)
	if p.As != "" {
		h := s.hosts[p.As]
		if h == nil {
			t.Fatalf("no host with role %q", p.As)
		}
		u, _ := url.Parse(s.e.URL)
		for _, c := range h.Client.Jar.Cookies(u) {
			if c.Name != account.SessionCookie {
				continue
			}
			if _, err := chromedp.Call(ctx, network.SetCookie, network.SetCookieParams{Name: c.Name, Value: c.Value, URL: s.e.URL}); err != nil {
				t.Fatal(err)
			}
		}
	}
	return ctx
}

func jsonUnmarshal(s string, v any) error { return json.Unmarshal([]byte(s), v) }
