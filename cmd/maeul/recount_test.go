package main

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// An export as maeul writes it: the tie-break is in the comment, the agenda
// number is public_id. Agendas 1 and 2 tie on 2 votes; number_asc puts 1
// first, which takes 5,000,000 of the 6,000,000 and leaves 2 out (cost_asc
// would have put 2, the cheaper, first and selected it instead).
const export = `META
key;value
description;성산1동 마을총회
country;South Korea
unit;Seoul
district;마포구
subunit;성산1동
instance;2026
num_projects;3
num_votes;3
budget;6000000
vote_type;approval
rule;greedy-threshold
date_begin;15.07.2026
date_end;15.07.2026
min_length;1
max_length;2
min_project_score_threshold;1
language;ko
currency;KRW
comment;#1: Exported by maeul (method=approval, tie_break=number_asc). #2: Order: votes, the higher first. Ties: On equal votes the lower agenda number comes first. #3: Fill: greedy with skip.
PROJECTS
project_id;cost;votes;name;selected;public_id
11;5000000;2;의제 1;1;1
12;3000000;2;의제 2;0;2
13;4000000;1;의제 3;0;3
VOTES
voter_id;vote
1;12,11
2;11,12
3;13
`

// recount runs `maeul recount FILE` and returns what it printed.
func recount(t *testing.T, path string) string {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout := os.Stdout
	os.Stdout = w
	err = run([]string{"recount", path})
	os.Stdout = stdout
	w.Close()
	out, _ := io.ReadAll(r)
	if err != nil {
		t.Fatalf("maeul recount %s: %v\n%s", path, err, out)
	}
	return string(out)
}

func TestRecountExport(t *testing.T) {
	path := filepath.Join(t.TempDir(), "export.pb")
	if err := os.WriteFile(path, []byte(export), 0o600); err != nil {
		t.Fatal(err)
	}
	out := recount(t, path)
	for _, want := range []string{"method approval · 3 ballots · 3 projects", "tie-break number_asc",
		"allocated 5,000,000 of 6,000,000", "the recount agrees with the file's selected column"} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in:\n%s", want, out)
		}
	}
	lines := strings.Split(out, "\n")
	for i, l := range lines {
		if strings.HasPrefix(strings.TrimSpace(l), "1  11 ") && i > 0 {
			return
		}
	}
	t.Errorf("agenda 1 (project 11) is not ranked first:\n%s", out)
}

// pabulib.org's Weesp file, in the shared data beside the repository.
func TestRecountWeespCommand(t *testing.T) {
	dir, _ := os.Getwd()
	for ; dir != filepath.Dir(dir); dir = filepath.Dir(dir) {
		path := filepath.Join(dir, "shared", "data", "pabulib", "Netherlands_Amsterdam_2020_Weesp.pb")
		if _, err := os.Stat(path); err == nil {
			if out := recount(t, path); !strings.Contains(out, "allocated 30,000 of 30,000") {
				t.Errorf("output:\n%s", out)
			}
			return
		}
	}
	path := "../../result/testdata/Netherlands_Amsterdam_2020_Weesp.pb"
	if out := recount(t, path); !strings.Contains(out, "allocated 30,000 of 30,000") {
		t.Errorf("output:\n%s", out)
	}
}
