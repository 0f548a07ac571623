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

// The Pabulib format (pabulib.org): three sections, META, PROJECTS and
// VOTES, each a ';'-separated table whose first row names the columns.
// Besides the standard META keys the export writes tie_break and
// maeul_method, so a recount needs nothing but the file.

// PBFile is a parsed Pabulib file.
type PBFile struct {
	Meta     map[string]string
	Projects []PBProject
	Votes    []PBVote
}

// PBProject is one row of PROJECTS.
type PBProject struct {
	ID       string
	Number   int // the agenda number; the position in PROJECTS when the file has none
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

// WritePabulib writes the anonymised ballots of a closed or announced
// assembly and its result in the Pabulib format. Ballots are ordered by
// their random id, never in the order they were cast, and carry neither
// receipt nor code.
func WritePabulib(ctx context.Context, q assembly.Querier, a *assembly.Assembly, r *Result) ([]byte, error) {
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
	for rows.Next() {
		var b ballot
		if err := rows.Scan(&b.id, &b.channel, &b.choices); err != nil {
			rows.Close()
			return nil, wrap("pabulib: ballots", err)
		}
		ballots = append(ballots, b)
	}
	if err := rows.Err(); err != nil {
		return nil, wrap("pabulib: ballots", err)
	}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Comma = ';'
	voteType := "approval"
	if a.Method == MethodRanked {
		voteType = "ordinal"
	}
	maxLen := a.MaxChoices
	if a.Method == MethodBudget {
		maxLen = len(agendas)
	}
	meta := [][]string{
		{"key", "value"},
		{"description", oneLineText(a.Title)},
		{"country", "South Korea"},
		{"unit", "Seoul"},
		{"district", oneLineText(a.District)},
		{"subunit", oneLineText(a.Dong)},
		{"instance", strconv.Itoa(PlanYear(a))},
		{"num_projects", strconv.Itoa(len(agendas))},
		{"num_votes", strconv.Itoa(len(ballots))},
		{"budget", strconv.FormatInt(a.BudgetCap, 10)},
		{"vote_type", voteType},
		{"rule", "greedy"},
		{"date_begin", a.StartsAt.In(seoul).Format("2006-01-02")},
		{"date_end", a.EndsAt.In(seoul).Format("2006-01-02")},
		{"min_length", "1"},
		{"max_length", strconv.Itoa(maxLen)},
		{"language", "ko"},
		{"currency", "KRW"},
		{"maeul_method", a.Method},
		{"tie_break", a.TieBreak},
		{"comment", "maeul export. Order: " + orderRule(a.Method) + " Ties: " + TieBreakRule("en", a.TieBreak) +
			" Fill: greedy with skip — walk the order and select each project with at least one vote whose cost fits what the budget leaves."},
	}
	if a.Method == MethodBudget {
		meta = append(meta, []string{"max_sum_cost", strconv.FormatInt(a.BudgetCap, 10)})
	}
	buf.WriteString("META\n")
	w.WriteAll(meta)
	buf.WriteString("PROJECTS\n")
	w.Write([]string{"project_id", "cost", "votes", "score", "name", "number", "selected"})
	ordered := append([]AgendaResult(nil), r.Agendas...)
	sort.SliceStable(ordered, func(i, j int) bool { return ordered[i].Rank < ordered[j].Rank })
	for _, x := range ordered {
		sel := "0"
		if x.Selected {
			sel = "1"
		}
		w.Write([]string{x.ID, strconv.FormatInt(x.Cost, 10), strconv.FormatInt(x.Votes, 10),
			strconv.FormatInt(x.Points, 10), oneLineText(x.Title), strconv.Itoa(x.Number), sel})
	}
	w.Flush()
	buf.WriteString("VOTES\n")
	w.Write([]string{"voter_id", "vote", "voting_method"})
	for i, b := range ballots {
		ids := make([]string, len(b.choices))
		for j, c := range b.choices {
			ids[j] = strconv.FormatInt(c, 10)
		}
		w.Write([]string{strconv.Itoa(i + 1), strings.Join(ids, ","), b.channel})
	}
	w.Flush()
	return buf.Bytes(), w.Error()
}

func orderRule(method string) string {
	if method == MethodRanked {
		return "Borda points, position p of a ballot scores max_length − p + 1, the higher total first."
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
	return WritePabulib(ctx, s.pool, a, r)
}
