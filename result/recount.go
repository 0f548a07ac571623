package result

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"
)

// What a maeul export's comment says of its method and tie-break.
var (
	methodRe   = regexp.MustCompile(`\bmethod=(approval|ranked|budget)\b`)
	tieBreakRe = regexp.MustCompile(`\btie_break=(cost_asc|number_asc)\b`)
)

// Recount is a recount of a Pabulib file.
type Recount struct {
	Method, TieBreak string
	Budget           int64
	K                int // the Borda length of ordinal votes
	Ranked           []Ranked
	Projects         map[int64]PBProject
}

// RecountPabulib recomputes the priority order and the budget fill of a
// Pabulib file from its VOTES alone, with the method and tie-break the file
// names: in the comment of a maeul export ("method=…, tie_break=…"), in the
// META keys maeul_method and tie_break of an older one, else from its
// vote_type (approval, or budget when it has max_sum_cost; ordinal is
// ranked) with the tie-break cost_asc.
func RecountPabulib(pb *PBFile) (*Recount, error) {
	rc := &Recount{Projects: map[int64]PBProject{}}
	budget, err := strconv.ParseFloat(pb.Meta["budget"], 64)
	if err != nil || budget < 0 {
		return nil, fmt.Errorf("META budget %q is not a number", pb.Meta["budget"])
	}
	rc.Budget = int64(budget + 0.5)
	comment := pb.Meta["comment"]
	rc.TieBreak = pb.Meta["tie_break"]
	if m := tieBreakRe.FindStringSubmatch(comment); m != nil {
		rc.TieBreak = m[1]
	}
	if rc.TieBreak != TieBreakNumberAsc {
		rc.TieBreak = TieBreakCostAsc
	}
	vt := pb.Meta["vote_type"]
	m := pb.Meta["maeul_method"]
	if x := methodRe.FindStringSubmatch(comment); x != nil {
		m = x[1]
	}
	switch {
	case m == MethodApproval || m == MethodRanked || m == MethodBudget:
		rc.Method = m
	case vt == "ordinal":
		rc.Method = MethodRanked
	case (vt == "approval" || vt == "") && pb.Meta["max_sum_cost"] != "":
		rc.Method = MethodBudget
	case vt == "approval" || vt == "" || vt == "choose-1":
		rc.Method = MethodApproval
	case vt == "cumulative" || vt == "scoring":
		rc.Method = vt
	default:
		return nil, fmt.Errorf("META vote_type %q is not approval, choose-1, ordinal, cumulative or scoring", vt)
	}
	if rc.Method == MethodRanked {
		rc.K, _ = strconv.Atoi(pb.Meta["max_length"])
		if rc.K <= 0 {
			for _, v := range pb.Votes {
				rc.K = max(rc.K, len(v.Vote))
			}
		}
	}
	idx := map[string]int{}
	items := make([]Item, len(pb.Projects))
	for i, p := range pb.Projects {
		idx[p.ID] = i
		// Project ids are numbers in Pabulib files; other ids get their position.
		id, err := strconv.ParseInt(p.ID, 10, 64)
		if err != nil {
			id = int64(i + 1)
		}
		items[i] = Item{ID: id, Number: p.Number, Title: p.Name, Cost: p.Cost}
		rc.Projects[id] = p
	}
	for _, v := range pb.Votes {
		for pos, id := range v.Vote {
			it := &items[idx[id]]
			it.Votes++
			switch {
			case v.Points != nil:
				// A maeul export of a ranked vote gives each position's Borda points.
				it.Points += v.Points[pos]
			case rc.Method == MethodRanked:
				it.Points += int64(max(rc.K-pos, 0))
			default:
				it.Points++
			}
		}
	}
	method := rc.Method
	if method == "cumulative" || method == "scoring" {
		method = MethodRanked // order by points
	}
	rc.Ranked = Rank(method, rc.TieBreak, rc.Budget, items)
	return rc, nil
}

// RecountFile recounts a Pabulib file and prints the ranking and budget fill.
func RecountFile(w io.Writer, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	pb, err := ParsePabulib(f)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	rc, err := RecountPabulib(pb)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return rc.Print(w, pb)
}

// Print writes the recount as a table, then its checks against the
// counts and selections the file states itself.
func (rc *Recount) Print(w io.Writer, pb *PBFile) error {
	bw := bufio.NewWriter(w)
	desc := pb.Meta["description"]
	fmt.Fprintf(bw, "%s\n", desc)
	cur := pb.Meta["currency"]
	if cur == "" {
		cur = "KRW"
	}
	fmt.Fprintf(bw, "method %s · %d ballots · %d projects · budget %s %s · tie-break %s\n",
		rc.Method, len(pb.Votes), len(pb.Projects), group(rc.Budget), cur, rc.TieBreak)
	fmt.Fprintf(bw, "%s\n\n", TieBreakRule("ko", rc.TieBreak))
	fmt.Fprintf(bw, "%4s  %-12s %4s %8s %8s %12s %12s  %-8s  %s\n", "rank", "project", "no.", "votes", "points", "cost", "cumulative", "selected", "name / note")
	var mismatches []string
	for _, r := range rc.Ranked {
		p := rc.Projects[r.ID]
		sel := "-"
		switch r.Reason {
		case ReasonSelected:
			sel = "선정"
		case ReasonOverCap:
			sel = "한도 초과"
		}
		fmt.Fprintf(bw, "%4d  %-12s %4d %8d %8d %12s %12s  %-8s  %s\n", r.Rank, p.ID, r.Number, r.Votes, r.Points,
			group(r.Cost), group(r.Cumulative), sel, p.Name)
		fmt.Fprintf(bw, "%4s  %s\n", "", NoteIn("ko", rc.TieBreak, pb.Meta["currency"], r))
		if p.Votes != nil && *p.Votes != r.Votes {
			mismatches = append(mismatches, fmt.Sprintf("project %s: the file says %d votes, its VOTES count %d", p.ID, *p.Votes, r.Votes))
		}
	}
	fmt.Fprintf(bw, "\nallocated %s of %s\n", group(Allocated(rc.Ranked)), group(rc.Budget))
	var differ []string
	for _, r := range rc.Ranked {
		p := rc.Projects[r.ID]
		if p.Selected == "" {
			continue
		}
		if (p.Selected == "1") != r.Selected {
			differ = append(differ, fmt.Sprintf("%s (file: selected=%s, recount: %v)", p.ID, p.Selected, r.Selected))
		}
	}
	switch {
	case len(mismatches) > 0:
		fmt.Fprintf(bw, "votes: %d project(s) disagree with the file's votes column:\n  %s\n", len(mismatches), strings.Join(mismatches, "\n  "))
	default:
		fmt.Fprintln(bw, "votes: every project's recounted votes equal the file's votes column")
	}
	switch {
	case len(differ) > 0:
		fmt.Fprintf(bw, "selected: the file's selected column differs from greedy-with-skip for %d project(s): %s\n", len(differ), strings.Join(differ, ", "))
		if c := pb.Meta["comment"]; c != "" {
			fmt.Fprintf(bw, "  (the file's comment: %s)\n", c)
		}
	default:
		fmt.Fprintln(bw, "selected: the recount agrees with the file's selected column")
	}
	return bw.Flush()
}
