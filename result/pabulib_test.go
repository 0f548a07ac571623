package result_test

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"maeul/account"
	"maeul/result"
	"maeul/server/servertest"
	"maeul/voting"
)

// pbcheckPath finds pabulib.org's format checker, ../shared/tools/pbcheck
// from the repository root (MAEUL_PBCHECK overrides). Without it, or
// without the Python modules it needs, the test fails: ./test.sh installs
// them, and a skipped check would pass without checking anything.
func pbcheckPath(t *testing.T) string {
	t.Helper()
	missing := func(why string) {
		t.Helper()
		t.Fatalf("pbcheck: %s (./test.sh installs python3-pycountry, python3-natsort, python3-numpy)", why)
	}
	path := os.Getenv("MAEUL_PBCHECK")
	if path == "" {
		dir, err := os.Getwd()
		if err != nil {
			t.Fatal(err)
		}
		for ; ; dir = filepath.Dir(dir) {
			if p := filepath.Join(dir, "shared", "tools", "pbcheck"); fileExists(p) {
				path = p
				break
			}
			if dir == filepath.Dir(dir) {
				missing("no shared/tools/pbcheck above " + dir)
			}
		}
	}
	// pbcheck runs Debian's Python, which holds Debian's modules.
	if out, err := exec.Command("/usr/bin/python3", "-c", "import pycountry, natsort, numpy").CombinedOutput(); err != nil {
		missing(fmt.Sprintf("the Python modules are missing: %v %s", err, out))
	}
	return path
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// pbcheck runs the checker on a file and fails the test on any error; it
// returns the checker's output.
func pbcheck(t *testing.T, name string, body []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name+".pb")
	if err := os.WriteFile(path, body, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(pbcheckPath(t), path).CombinedOutput()
	t.Logf("pbcheck %s:\n%s", name, out)
	if err != nil || !strings.Contains(string(out), ": 0 error kinds") {
		t.Errorf("pbcheck %s: %v\n%s\nthe file:\n%s", name, err, out, body)
	}
	return string(out)
}

// The export of real assemblies, voted through the API on phones on site,
// online and on paper, passes pabulib.org's checker for every method; the
// channel is given only when every channel present has k = 10 ballots;
// `maeul recount` of the file equals the published result, tie-break
// included.
func TestPabulibChecker(t *testing.T) {
	e := servertest.Start(t)
	dong := e.NewHost(t, account.RoleDong, "마포구", "성산1동")
	from, until := time.Now().Add(-time.Hour), time.Now().Add(time.Hour)
	cases := []struct {
		name        string
		o           servertest.FixtureOptions
		tieBreak    string
		onsite      int
		online      int
		paper       int
		patterns    [][]int // agenda indexes, cycled over the ballots
		withChannel bool
		header      string
	}{
		{"approval", servertest.FixtureOptions{}, "cost_asc", 7, 5, 10,
			[][]int{{0, 1, 5}, {0, 1, 2}, {0, 5, 4}, {1, 2, 4}, {5, 3}, {0}, {2, 3}}, true, "voter_id;vote;voting_method"},
		{"ranked", servertest.FixtureOptions{Method: "ranked"}, "cost_asc", 4, 4, 3,
			[][]int{{5, 0, 1}, {5, 1}, {0, 5, 2}, {1, 0}, {2}, {4, 3, 2}, {0, 1, 2}}, false, "voter_id;vote;points"},
		{"budget", servertest.FixtureOptions{Method: "budget", MaxChoices: 6}, "number_asc", 11, 0, 0,
			[][]int{{0, 1}, {2, 3}, {1, 2}, {4}, {5}, {0, 1, 2, 3}}, true, "voter_id;vote;voting_method"},
		{"choose one, all funded", servertest.FixtureOptions{MaxChoices: 1, Costs: []int64{4_000_000, 6_000_000, 5_000_000}}, "number_asc", 3, 0, 10,
			[][]int{{0}, {1}, {2}, {1}}, false, "voter_id;vote\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tc.o.OnlineFrom, tc.o.OnlineUntil = &from, &until
			a, gs := e.Fixture(t, tc.o)
			if _, err := e.DB.Pool.Exec(t.Context(), `UPDATE assemblies SET tie_break = $2 WHERE id = $1`, a.ID, tc.tieBreak); err != nil {
				t.Fatal(err)
			}
			base := fmt.Sprintf("/api/v1/assemblies/%d", a.ID)
			if r := dong.API(t, "POST", base+"/open", nil); r.Status != 200 {
				t.Fatalf("open: %d %s", r.Status, r.Body)
			}
			n := 0
			choices := func() []string {
				var ids []string
				for _, i := range tc.patterns[n%len(tc.patterns)] {
					ids = append(ids, gs[i].IDString())
				}
				n++
				return ids
			}
			for _, ch := range []struct {
				name  string
				count int
			}{{"onsite", tc.onsite}, {"online", tc.online}} {
				if ch.count == 0 {
					continue
				}
				r := dong.API(t, "POST", base+"/codes", map[string]any{"count": ch.count, "channel": ch.name})
				if r.Status != 201 {
					t.Fatalf("codes: %d %s", r.Status, r.Body)
				}
				var out struct{ Codes []voting.IssuedCode }
				r.JSON(t, &out)
				for i, c := range out.Codes {
					r := e.Do(t, "POST", "/api/v1/ballots", "", map[string]any{"assembly": a.Slug, "code": c.Code,
						"choices": choices(), "nonce": ch.name + strconv.Itoa(i)})
					if r.Status != 201 {
						t.Fatalf("ballot: %d %s", r.Status, r.Body)
					}
				}
			}
			if tc.paper > 0 {
				var paper [][]string
				for range tc.paper {
					paper = append(paper, choices())
				}
				if r := dong.API(t, "POST", base+"/paper", map[string]any{"ballots": paper}); r.Status != 201 {
					t.Fatalf("paper: %d %s", r.Status, r.Body)
				}
			}
			if r := dong.API(t, "POST", base+"/close", nil); r.Status != 200 {
				t.Fatalf("close: %d %s", r.Status, r.Body)
			}
			closed := dong.API(t, "GET", base+"/ballots.pb", nil)
			if closed.Status != 200 {
				t.Fatalf("ballots.pb: %d %s", closed.Status, closed.Body)
			}
			if r := dong.API(t, "POST", base+"/announce", nil); r.Status != 200 {
				t.Fatalf("announce: %d %s", r.Status, r.Body)
			}
			r := e.Do(t, "GET", base+"/ballots.pb", "", nil)
			if r.Status != 200 || !bytes.Equal(r.Body, closed.Body) {
				t.Fatalf("the announced file (%d) differs from the closed one", r.Status)
			}
			body := string(r.Body)
			pbcheck(t, a.Method, r.Body)
			if !strings.Contains(body, "VOTES\n"+tc.header) {
				t.Errorf("VOTES header: want %q\n%s", tc.header, body)
			}
			if strings.Contains(body, "voting_method") != tc.withChannel {
				t.Errorf("voting_method given: %v, want %v", !tc.withChannel, tc.withChannel)
			}
			if !tc.withChannel && !strings.Contains(body, "is withheld") {
				t.Error("the comment does not say the channel is withheld")
			}
			for _, bad := range []string{"maeul_method", "tie_break;", "number;", "2026-07", ";onsite", ";online", ";mixed"} {
				if strings.Contains(body, bad) {
					t.Errorf("the file still has %q", bad)
				}
			}
			for _, want := range []string{"date_begin;15.07.2026", "rule;greedy-threshold", "min_project_score_threshold;1",
				"comment;#1: Exported by maeul (method=" + a.Method + ", tie_break=" + tc.tieBreak + ")"} {
				if !strings.Contains(body, want) {
					t.Errorf("the file lacks %q", want)
				}
			}

			var res apiResult
			e.Do(t, "GET", base+"/results", "", nil).JSON(t, &res)
			if res.Ballots != int64(tc.onsite+tc.online+tc.paper) {
				t.Fatalf("%d ballots counted", res.Ballots)
			}
			pb, err := result.ParsePabulib(strings.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			rc, err := result.RecountPabulib(pb)
			if err != nil {
				t.Fatal(err)
			}
			if rc.Method != a.Method || rc.TieBreak != tc.tieBreak {
				t.Errorf("recount reads method %s, tie-break %s", rc.Method, rc.TieBreak)
			}
			for i, x := range rc.Ranked {
				g := res.Agendas[i]
				if strconv.FormatInt(x.ID, 10) != g.ID || x.Number != g.Number || x.Rank != g.Rank || x.Selected != g.Selected ||
					x.Votes != g.Votes || x.Points != g.Points {
					t.Errorf("rank %d: recount %+v, published %+v", i+1, x, g)
				}
			}
			if result.Allocated(rc.Ranked) != res.Allocated {
				t.Errorf("recount allocates %d, published %d", result.Allocated(rc.Ranked), res.Allocated)
			}
			path := filepath.Join(t.TempDir(), "x.pb")
			os.WriteFile(path, r.Body, 0o600)
			var out bytes.Buffer
			if err := result.RecountFile(&out, path); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(out.String(), "tie-break "+tc.tieBreak) ||
				!strings.Contains(out.String(), "every project's recounted votes equal the file's votes column") ||
				!strings.Contains(out.String(), "the recount agrees with the file's selected column") {
				t.Errorf("recount output:\n%s", out.String())
			}
		})
	}
}

// pabulib.org's own Weesp file, in the shared data, still recounts and
// passes the checker.
func TestRecountSharedWeesp(t *testing.T) {
	path := filepath.Join(filepath.Dir(filepath.Dir(pbcheckPath(t))), "data", "pabulib", "Netherlands_Amsterdam_2020_Weesp.pb")
	body, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	pbcheck(t, "weesp", body)
	var out bytes.Buffer
	if err := result.RecountFile(&out, path); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "allocated 30,000 of 30,000") || !strings.Contains(out.String(), "method approval · 4453 ballots") {
		t.Errorf("output:\n%s", out.String())
	}
}
