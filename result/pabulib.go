package result

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"maeul/assembly"
)

// The Pabulib format (pabulib.org/format): three sections, META, PROJECTS
// and VOTES, each a ';'-separated table whose first row names the columns.
// The export writes only the format's own keys and columns; maeul's method
// and tie-break are in the numbered comment ("#1: Exported by maeul
// (method=…, tie_break=…)"), the agenda number is public_id, so a recount
// needs nothing but the file. Exports of older versions wrote them as the
// META keys maeul_method and tie_break and the PROJECTS column number; the
// parser and the recount still read those.

// PBFile is a parsed Pabulib file.
type PBFile struct {
	Meta     map[string]string
	Projects []PBProject
	Votes    []PBVote
}

// PBProject is one row of PROJECTS.
type PBProject struct {
	ID       string
	Number   int // the agenda number (number or public_id); the position in PROJECTS when the file has none
	Cost     int64
	Name     string
	Votes    *int64 // the file's own count, if given
	Selected string
}

// PBVote is one row of VOTES.
type PBVote struct {
	VoterID string
	Vote    []string // project ids; in order of preference for ordinal votes
	Points  []int64  // for cumulative votes
	Channel string
}

// ParsePabulib reads a Pabulib file. Returns an error naming the line of
// the first problem.
func ParsePabulib(r io.Reader) (*PBFile, error) {
	sections := map[string][]string{}
	startLine := map[string]int{}
	cur := ""
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	line := 0
	for sc.Scan() {
		line++
		t := strings.TrimRight(sc.Text(), "\r")
		if line == 1 {
			t = strings.TrimPrefix(t, "\ufeff")
		}
		switch strings.TrimSpace(t) {
		case "META", "PROJECTS", "VOTES":
			cur = strings.TrimSpace(t)
			startLine[cur] = line + 1
			continue
		}
		if cur == "" {
			if strings.TrimSpace(t) == "" {
				continue
			}
			return nil, fmt.Errorf("line %d: expected META, PROJECTS or VOTES", line)
		}
		sections[cur] = append(sections[cur], t)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	table := func(name string) ([]string, [][]string, error) {
		lines := sections[name]
		if len(lines) == 0 {
			return nil, nil, fmt.Errorf("no %s section", name)
		}
		cr := csv.NewReader(strings.NewReader(strings.Join(lines, "\n")))
		cr.Comma = ';'
		cr.FieldsPerRecord = -1
		cr.LazyQuotes = true
		recs, err := cr.ReadAll()
		if err != nil {
			return nil, nil, fmt.Errorf("%s section (from line %d): %v", name, startLine[name], err)
		}
		head := recs[0]
		for i := range head {
			head[i] = strings.TrimSpace(head[i])
		}
		return head, recs[1:], nil
	}
	col := func(head []string, name string) int {
		for i, h := range head {
			if h == name {
				return i
			}
		}
		return -1
	}
	get := func(rec []string, i int) string {
		if i < 0 || i >= len(rec) {
			return ""
		}
		return strings.TrimSpace(rec[i])
	}
	pb := &PBFile{Meta: map[string]string{}}
	_, meta, err := table("META")
	if err != nil {
		return nil, err
	}
	for _, rec := range meta {
		if len(rec) >= 2 {
			pb.Meta[strings.TrimSpace(rec[0])] = strings.TrimSpace(strings.Join(rec[1:], ";"))
		}
	}
	head, projects, err := table("PROJECTS")
	if err != nil {
		return nil, err
	}
	cID, cCost, cVotes, cName, cNum, cSel := col(head, "project_id"), col(head, "cost"), col(head, "votes"),
		col(head, "name"), col(head, "number"), col(head, "selected")
	cPublic := col(head, "public_id")
	if cID < 0 || cCost < 0 {
		return nil, fmt.Errorf("PROJECTS (line %d): the columns project_id and cost are required", startLine["PROJECTS"])
	}
	seen := map[string]bool{}
	for i, rec := range projects {
		ln := startLine["PROJECTS"] + 1 + i
		p := PBProject{ID: get(rec, cID), Name: get(rec, cName), Selected: get(rec, cSel), Number: i + 1}
		if p.ID == "" || seen[p.ID] {
			return nil, fmt.Errorf("line %d: a missing or repeated project_id", ln)
		}
		seen[p.ID] = true
		cost, err := strconv.ParseFloat(get(rec, cCost), 64)
		if err != nil || cost < 0 {
			return nil, fmt.Errorf("line %d: cost %q is not a number", ln, get(rec, cCost))
		}
		p.Cost = int64(cost + 0.5)
		if v := get(rec, cVotes); v != "" {
			if n, err := strconv.ParseInt(v, 10, 64); err == nil {
				p.Votes = &n
			}
		}
		if v := get(rec, cNum); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n <= 0 {
				return nil, fmt.Errorf("line %d: number %q is not a positive number", ln, v)
			}
			p.Number = n
		} else if n, err := strconv.Atoi(get(rec, cPublic)); err == nil && n > 0 {
			// maeul writes the agenda number as public_id.
			p.Number = n
		}
		pb.Projects = append(pb.Projects, p)
	}
	head, votes, err := table("VOTES")
	if err != nil {
		return nil, err
	}
	cVoter, cVote, cPoints, cMethod := col(head, "voter_id"), col(head, "vote"), col(head, "points"), col(head, "voting_method")
	if cVote < 0 {
		return nil, fmt.Errorf("VOTES (line %d): the column vote is required", startLine["VOTES"])
	}
	for i, rec := range votes {
		ln := startLine["VOTES"] + 1 + i
		v := PBVote{VoterID: get(rec, cVoter), Channel: get(rec, cMethod)}
		dup := map[string]bool{}
		if s := get(rec, cVote); s != "" {
			for _, id := range strings.Split(s, ",") {
				id = strings.TrimSpace(id)
				if !seen[id] {
					return nil, fmt.Errorf("line %d: vote for unknown project %q", ln, id)
				}
				if dup[id] {
					return nil, fmt.Errorf("line %d: project %q twice in one vote", ln, id)
				}
				dup[id] = true
				v.Vote = append(v.Vote, id)
			}
		}
		if s := get(rec, cPoints); s != "" {
			for _, p := range strings.Split(s, ",") {
				n, err := strconv.ParseInt(strings.TrimSpace(p), 10, 64)
				if err != nil {
					return nil, fmt.Errorf("line %d: points %q", ln, s)
				}
				v.Points = append(v.Points, n)
			}
			if len(v.Points) != len(v.Vote) {
				return nil, fmt.Errorf("line %d: %d points for %d projects", ln, len(v.Points), len(v.Vote))
			}
		}
		pb.Votes = append(pb.Votes, v)
	}
	return pb, nil
}

// DefaultK is the secret ballot's anonymity parameter when none is set: a
// group of fewer ballots is never told apart from the others.
const DefaultK = 10 // the same as voting.DefaultK

// WritePabulib writes the anonymised ballots of a closed or announced
// assembly and its result in the Pabulib format (pabulib.org/format), so
// that pabulib.org's own checker passes it: only the format's META keys and
// PROJECTS/VOTES columns, dates as dd.mm.yyyy, and maeul's own rules (the
// method, the tie-break, the fill) in the numbered comment, where
// RecountPabulib reads them back. Ballots are ordered by their random id,
// never in the order they were cast, carry neither receipt nor code, and
// their voter ids are their position in that order.
//
// The channel (voting_method: internet for phones on site, online and
// withheld groups of both; paper) is written only when every channel
// present has at least k ballots (k ≤ 0 means DefaultK); otherwise the
// column is left out and the comment says so.
func WritePabulib(ctx context.Context, q assembly.Querier, a *assembly.Assembly, r *Result, k int) ([]byte, error) {
	if k <= 0 {
		k = DefaultK
	}
	agendas, err := assembly.FindAgendas(ctx, q, a.ID)
	if err != nil {
		return nil, wrap("pabulib: agendas", err)
	}
	rows, err := q.Query(ctx, `SELECT b.id, b.channel, coalesce(array_agg(c.agenda_id ORDER BY c.position)
			FILTER (WHERE c.agenda_id IS NOT NULL), '{}')
		FROM ballots b LEFT JOIN ballot_choices c ON c.assembly_id = b.assembly_id AND c.ballot_id = b.id
		WHERE b.assembly_id = $1 GROUP BY b.id, b.channel ORDER BY b.id`, a.ID)
	if err != nil {
		return nil, wrap("pabulib: ballots", err)
	}
	type ballot struct {
		id      uuid.UUID
		channel string
		choices []int64
	}
	var ballots []ballot
	perChannel := map[string]int{}
	for rows.Next() {
		var b ballot
		if err := rows.Scan(&b.id, &b.channel, &b.choices); err != nil {
			rows.Close()
			return nil, wrap("pabulib: ballots", err)
		}
		b.channel = pbChannel(b.channel)
		perChannel[b.channel]++
		ballots = append(ballots, b)
	}
	if err := rows.Err(); err != nil {
		return nil, wrap("pabulib: ballots", err)
	}
	withChannel := len(ballots) > 0
	for _, n := range perChannel {
		if n < k {
			withChannel = false
		}
	}
	ranked := a.Method == MethodRanked
	var total int64
	for _, g := range agendas {
		total += g.Cost
	}

	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Comma = ';'
	maxLen := min(a.MaxChoices, len(agendas))
	voteType := "approval"
	switch {
	case ranked:
		voteType = "ordinal"
	case a.Method != MethodBudget && maxLen == 1:
		voteType = "choose-1"
	}
	meta := [][]string{{"key", "value"}, {"description", oneLineText(a.Title)}, {"country", "South Korea"}, {"unit", "Seoul"}}
	if d := oneLineText(a.District); d != "" {
		meta = append(meta, []string{"district", d})
	}
	if d := oneLineText(a.Dong); d != "" {
		meta = append(meta, []string{"subunit", d})
	}
	meta = append(meta,
		[]string{"instance", strconv.Itoa(PlanYear(a))},
		[]string{"num_projects", strconv.Itoa(len(agendas))},
		[]string{"num_votes", strconv.Itoa(len(ballots))},
		[]string{"budget", strconv.FormatInt(a.BudgetCap, 10)},
		[]string{"vote_type", voteType},
		// Greedy with skip that never selects an agenda nobody chose.
		[]string{"rule", "greedy-threshold"},
		[]string{"date_begin", a.StartsAt.In(seoul).Format("02.01.2006")},
		[]string{"date_end", a.EndsAt.In(seoul).Format("02.01.2006")},
		[]string{"min_length", "1"},
	)
	if a.Method == MethodBudget {
		// Any set whose total cost fits the cap: approval with a cost limit.
		meta = append(meta, []string{"max_sum_cost", strconv.FormatInt(a.BudgetCap, 10)})
	} else {
		meta = append(meta, []string{"max_length", strconv.Itoa(maxLen)})
	}
	meta = append(meta,
		[]string{"min_project_score_threshold", "1"},
		[]string{"language", "ko"},
		[]string{"currency", "KRW"},
	)
	if total <= a.BudgetCap {
		meta = append(meta, []string{"fully_funded", "1"})
	}
	comments := []string{
		fmt.Sprintf("Exported by maeul (method=%s, tie_break=%s).", a.Method, tieBreakKey(a.TieBreak)),
		"Order: " + orderRule(a.Method, a.MaxChoices) + " Ties: " + TieBreakRule("en", a.TieBreak) +
			" The agenda number is the public_id column.",
		"Fill: greedy with skip: walk the order and select each project with at least one vote (min_project_score_threshold 1) whose cost fits what the budget leaves.",
	}
	if withChannel {
		comments = append(comments, fmt.Sprintf("voting_method: internet is a phone vote on site or online, paper a paper ballot; every channel has at least %d ballots.", k))
	} else {
		comments = append(comments, fmt.Sprintf("The voting method of each ballot is withheld: it is given only when every channel (internet, paper) has at least %d ballots, so that it cannot single out a voter.", k))
	}
	comments = append(comments, pabulibNotes(r)...)
	for i, c := range comments {
		comments[i] = fmt.Sprintf("#%d: %s", i+1, c)
	}
	// No ';' in the comment, so that it is not quoted.
	meta = append(meta, []string{"comment", strings.ReplaceAll(strings.Join(comments, " "), ";", ",")})
	buf.WriteString("META\n")
	w.WriteAll(meta)

	buf.WriteString("PROJECTS\n")
	head := []string{"project_id", "cost", "votes", "name", "selected", "public_id"}
	if ranked {
		head = []string{"project_id", "cost", "votes", "score", "name", "selected", "public_id"}
	}
	w.Write(head)
	// In priority order: the checker breaks equal scores by the file's order.
	ordered := append([]AgendaResult(nil), r.Agendas...)
	sort.SliceStable(ordered, func(i, j int) bool { return ordered[i].Rank < ordered[j].Rank })
	for _, x := range ordered {
		sel := "0"
		if x.Selected {
			sel = "1"
		}
		row := []string{x.ID, strconv.FormatInt(x.Cost, 10), strconv.FormatInt(x.Votes, 10)}
		if ranked {
			row = append(row, strconv.FormatInt(x.Points, 10))
		}
		w.Write(append(row, oneLineText(x.Title), sel, strconv.Itoa(x.Number)))
	}
	w.Flush()

	buf.WriteString("VOTES\n")
	head = []string{"voter_id", "vote"}
	if ranked {
		head = append(head, "points")
	}
	if withChannel {
		head = append(head, "voting_method")
	}
	w.Write(head)
	for i, b := range ballots {
		ids := make([]string, len(b.choices))
		points := make([]string, len(b.choices))
		for j, c := range b.choices {
			ids[j] = strconv.FormatInt(c, 10)
			points[j] = strconv.Itoa(max(a.MaxChoices-j, 0)) // Borda: position p scores K − p + 1
		}
		row := []string{strconv.Itoa(i + 1), strings.Join(ids, ",")}
		if ranked {
			row = append(row, strings.Join(points, ","))
		}
		if withChannel {
			row = append(row, b.channel)
		}
		w.Write(row)
	}
	w.Flush()
	return buf.Bytes(), w.Error()
}

// pbChannel is a ballot's channel as Pabulib names it: paper, or internet
// for a phone on site, online, or a withheld group of both (mixed).
func pbChannel(ch string) string {
	if ch == "paper" {
		return "paper"
	}
	return "internet"
}

func orderRule(method string, k int) string {
	if method == MethodRanked {
		return fmt.Sprintf("Borda points (score), position p of a ballot scores %d - p + 1 (the points column), the higher total first.", k)
	}
	return "votes, the higher first."
}

// oneLineText keeps a name on its line: Pabulib readers split on newlines.
func oneLineText(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// Pabulib returns the assembly's ballots in the Pabulib format: once
// announced the file written at the announcement, before that (closed) one
// written now. The caller checks Showable first.
func (s *Service) Pabulib(ctx context.Context, a *assembly.Assembly) ([]byte, error) {
	if a.State == assembly.StateAnnounced {
		var stored *string
		err := s.pool.QueryRow(ctx, `SELECT pabulib FROM results WHERE assembly_id = $1`, a.ID).Scan(&stored)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return nil, wrap("read pabulib", err)
		}
		if stored != nil {
			return []byte(*stored), nil
		}
	}
	r, err := Find(ctx, s.pool, a)
	if err != nil {
		return nil, err
	}
	return WritePabulib(ctx, s.pool, a, r, s.K)
}
