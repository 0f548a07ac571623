package voting

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"maeul"
	"maeul/account"
	"maeul/assembly"
)

// MaxPaperBatch is the most paper ballots one request may enter.
const MaxPaperBatch = 1000

// PaperEntry is one line of the paper-ballot audit log.
type PaperEntry struct {
	ID        int64     `json:"id"`
	BallotID  string    `json:"ballot"`
	Staff     string    `json:"staff"`
	Action    string    `json:"action"`
	Choices   []string  `json:"choices"`
	Previous  []string  `json:"previous,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	// Numbers are the agenda numbers of Choices and Previous, for people.
	Numbers  []int `json:"-"`
	PrevNums []int `json:"-"`
	// Live is true while the ballot exists (not voided).
	Live bool `json:"live"`
}

// paperRules loads the assembly's rules fresh (no cache) for staff.
func (s *Service) paperRules(ctx context.Context, u *account.User, id int64) (*assembly.Assembly, []assembly.Agenda, *Rules, error) {
	a, err := s.managed(ctx, u, id)
	if err != nil {
		return nil, nil, nil, err
	}
	gs, err := assembly.FindAgendas(ctx, s.pool, a.ID)
	if err != nil {
		return nil, nil, nil, wrap("find agendas", err)
	}
	r := NewRules(a, gs)
	if r.Questions, err = FindQuestions(ctx, s.pool, a.ID); err != nil {
		return nil, nil, nil, wrap("find questions", err)
	}
	return a, gs, r, nil
}

// EnterPaper stores paper ballots (channel paper), all or none, each
// recorded in the audit log with the staff member who entered it. Returns
// the new ballots' ids. EINVALID names the first bad ballot. Paper is
// counted while voting is open and after it closes (the phones stop, the
// desk goes on) until the result is announced; ECONFLICT before the vote
// opens and once announced.
func (s *Service) EnterPaper(ctx context.Context, u *account.User, id int64, ballots [][]AgendaRef) ([]string, error) {
	return s.EnterPaperAnswered(ctx, u, id, ballots, nil)
}

// EnterPaperAnswered is EnterPaper with each ballot's answers to the
// assembly's questions (answers[i] for ballots[i]; every question answered,
// as on a phone).
func (s *Service) EnterPaperAnswered(ctx context.Context, u *account.User, id int64, ballots [][]AgendaRef, answers []map[string]string) ([]string, error) {
	if len(ballots) == 0 {
		return nil, maeul.FieldErrorf(maeul.EINVALID, "ballots", "paper.none")
	}
	if len(ballots) > MaxPaperBatch {
		return nil, maeul.FieldErrorf(maeul.EINVALID, "ballots", "paper.too_many", MaxPaperBatch)
	}
	a, _, rules, err := s.paperRules(ctx, u, id)
	if err != nil {
		return nil, err
	}
	all := make([][]int64, len(ballots))
	allAnswers := make([]map[int64]string, len(ballots))
	for i, b := range ballots {
		ids, err := rules.Check(b)
		if err == nil {
			allAnswers[i], err = rules.CheckAnswers(answersAt(answers, i))
		}
		if err != nil {
			var e *maeul.Error
			if errors.As(err, &e) {
				e.Field = "ballots." + strconv.Itoa(i)
			}
			return nil, err
		}
		all[i] = ids
	}
	if err := paperOpen(a.State); err != nil {
		return nil, err
	}
	out, err := s.insertPaper(ctx, a.ID, u.ID, all, allAnswers)
	if err != nil {
		return nil, wrap("enter paper ballots", err)
	}
	s.ballotsStored(len(all))
	s.OnChange(a.ID)
	return out, nil
}

// CorrectPaper replaces the choices of an entered paper ballot and records
// the old and new choices. VoidPaper (choices nil) removes the ballot and
// records what it held. ENOTFOUND for a ballot that is not a live paper
// ballot of this assembly; ECONFLICT once the result is announced.
func (s *Service) CorrectPaper(ctx context.Context, u *account.User, id int64, ballotID string, choices []AgendaRef, void bool) error {
	return s.CorrectPaperAnswered(ctx, u, id, ballotID, choices, nil, void)
}

// CorrectPaperAnswered is CorrectPaper with the ballot's answers to the
// questions, replaced with its choices.
func (s *Service) CorrectPaperAnswered(ctx context.Context, u *account.User, id int64, ballotID string, choices []AgendaRef, answers map[string]string, void bool) error {
	a, _, rules, err := s.paperRules(ctx, u, id)
	if err != nil {
		return err
	}
	var ids []int64
	var ans map[int64]string
	if !void {
		if ids, err = rules.Check(choices); err != nil {
			return err
		}
		// No answers given (the desk's number-only correction): the
		// ballot keeps its answers.
		if answers != nil {
			if ans, err = rules.CheckAnswers(answers); err != nil {
				return err
			}
		}
	}
	bid, err := uuid.Parse(ballotID)
	if err != nil {
		return maeul.Errorf(maeul.ENOTFOUND, "paper.no_ballot")
	}
	if err := s.correctPaper(ctx, a.ID, u.ID, bid, ids, ans, void); err != nil {
		return wrap("correct paper ballot", err)
	}
	s.OnChange(a.ID)
	return nil
}

// insertPaper stores paper ballots and their audit entries, all in one
// transaction, and returns their ids.
func (s *Service) insertPaper(ctx context.Context, assemblyID, userID int64, all [][]int64, answers []map[int64]string) ([]string, error) {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback(ctx)
	// FOR SHARE, as the trigger does: an announce waits for this entry, and
	// an entry after the announce is refused with its own message.
	var st string
	if err := tx.QueryRow(ctx, `SELECT state FROM assemblies WHERE id = $1 FOR SHARE`, assemblyID).Scan(&st); err != nil {
		return nil, err
	}
	if err := paperOpen(st); err != nil {
		return nil, err
	}
	out := make([]string, len(all))
	b := &pgx.Batch{}
	for i, ids := range all {
		bid := uuid.New()
		out[i] = bid.String()
		b.Queue(`WITH b AS (INSERT INTO ballots (id, assembly_id, channel) VALUES ($2, $1, 'paper') RETURNING id),
			c AS (INSERT INTO ballot_choices (assembly_id, ballot_id, agenda_id, position)
				SELECT $1, b.id, x.agenda, x.pos::int FROM b, unnest($3::bigint[]) WITH ORDINALITY AS x(agenda, pos))
			INSERT INTO paper_entries (assembly_id, ballot_id, user_id, action, choices) SELECT $1, b.id, $4, 'enter', $3 FROM b`,
			assemblyID, bid, ids, userID)
		storePaperAnswers(b, assemblyID, bid, answers[i])
	}
	if err := tx.SendBatch(ctx, b).Close(); err != nil {
		return nil, mapBallotErr(err)
	}
	if err := s.paperTally(ctx, tx, assemblyID); err != nil {
		return nil, err
	}
	if err := tx.Commit(ctx); err != nil {
		return nil, mapBallotErr(err)
	}
	return out, nil
}

// correctPaper replaces (or, void, deletes) a paper ballot's choices and
// records it in the audit log, in one transaction.
func (s *Service) correctPaper(ctx context.Context, assemblyID, userID int64, bid uuid.UUID, ids []int64, answers map[int64]string, void bool) error {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	// FOR SHARE, like a ballot: an announce waits for the correction, and
	// a correction after the announce is refused.
	var st string
	if err := tx.QueryRow(ctx, `SELECT state FROM assemblies WHERE id = $1 FOR SHARE`, assemblyID).Scan(&st); err != nil {
		return err
	}
	if err := paperOpen(st); err != nil {
		return err
	}
	var prev []int64
	err = tx.QueryRow(ctx, `SELECT coalesce((SELECT array_agg(agenda_id ORDER BY position) FROM ballot_choices WHERE ballot_id = b.id), '{}')
		FROM ballots b WHERE b.id = $1 AND b.assembly_id = $2 AND b.channel = 'paper' FOR UPDATE`, bid, assemblyID).Scan(&prev)
	if errors.Is(err, pgx.ErrNoRows) {
		return maeul.Errorf(maeul.ENOTFOUND, "paper.no_ballot")
	}
	if err != nil {
		return err
	}
	action := "correct"
	if void {
		action = "void"
		if _, err := tx.Exec(ctx, `DELETE FROM ballots WHERE id = $1`, bid); err != nil {
			return err
		}
	} else {
		if _, err := tx.Exec(ctx, `DELETE FROM ballot_choices WHERE ballot_id = $1`, bid); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO ballot_choices (assembly_id, ballot_id, agenda_id, position)
			SELECT $1, $2, x.agenda, x.pos::int FROM unnest($3::bigint[]) WITH ORDINALITY AS x(agenda, pos)`, assemblyID, bid, ids); err != nil {
			return mapBallotErr(err)
		}
		if err := replacePaperAnswers(ctx, tx, assemblyID, bid, answers); err != nil {
			return mapBallotErr(err)
		}
	}
	if ids == nil {
		ids = []int64{}
	}
	if _, err := tx.Exec(ctx, `INSERT INTO paper_entries (assembly_id, ballot_id, user_id, action, choices, previous)
		VALUES ($1, $2, $3, $4, $5, $6)`, assemblyID, bid, userID, action, ids, prev); err != nil {
		return err
	}
	if err := s.paperTally(ctx, tx, assemblyID); err != nil {
		return err
	}
	return tx.Commit(ctx)
}

// paperOpen returns nil while the paper desk takes ballots: the vote is
// open or closed, the result not yet announced.
func paperOpen(state string) error {
	switch state {
	case assembly.StateOpen, assembly.StateClosed:
		return nil
	case assembly.StateAnnounced:
		return maeul.Errorf(maeul.ECONFLICT, "paper.announced")
	}
	return maeul.Errorf(maeul.ECONFLICT, "ballot.not_open")
}

// PaperLog returns the latest audit entries of an assembly, newest first.
func (s *Service) PaperLog(ctx context.Context, a *assembly.Assembly, agendas []assembly.Agenda, limit int) ([]PaperEntry, error) {
	num := map[int64]int{}
	for _, g := range agendas {
		num[g.ID] = g.Number
	}
	rows, err := s.pool.Query(ctx, `SELECT e.id, coalesce(e.ballot_id::text, ''), coalesce(u.email, ''), e.action,
			e.choices, coalesce(e.previous, '{}'), e.created_at, EXISTS (SELECT 1 FROM ballots b WHERE b.id = e.ballot_id)
		FROM paper_entries e LEFT JOIN users u ON u.id = e.user_id
		WHERE e.assembly_id = $1 ORDER BY e.id DESC LIMIT $2`, a.ID, limit)
	if err != nil {
		return nil, wrap("paper log", err)
	}
	defer rows.Close()
	var out []PaperEntry
	for rows.Next() {
		var e PaperEntry
		var ch, prev []int64
		if err := rows.Scan(&e.ID, &e.BallotID, &e.Staff, &e.Action, &ch, &prev, &e.CreatedAt, &e.Live); err != nil {
			return nil, wrap("paper log", err)
		}
		for _, id := range ch {
			e.Choices = append(e.Choices, strconv.FormatInt(id, 10))
			e.Numbers = append(e.Numbers, num[id])
		}
		for _, id := range prev {
			e.Previous = append(e.Previous, strconv.FormatInt(id, 10))
			e.PrevNums = append(e.PrevNums, num[id])
		}
		if e.Choices == nil {
			e.Choices = []string{}
		}
		out = append(out, e)
	}
	return out, wrap("paper log", rows.Err())
}

// PaperEntries returns the latest audit entries of an assembly the host
// may read, newest first.
func (s *Service) PaperEntries(ctx context.Context, u *account.User, id int64, limit int) ([]PaperEntry, error) {
	a, err := s.readable(ctx, u, id)
	if err != nil {
		return nil, err
	}
	gs, err := assembly.FindAgendas(ctx, s.pool, a.ID)
	if err != nil {
		return nil, wrap("find agendas", err)
	}
	return s.PaperLog(ctx, a, gs, limit)
}

// PaperDesk is what the paper-ballot entry desk shows: the assembly, its
// agendas, the latest audit entries and the paper ballots so far.
type PaperDesk struct {
	A       *assembly.Assembly
	Agendas []assembly.Agenda
	Entries []PaperEntry
	Count   int64
	// Questions are the yes/no questions every paper ballot answers too.
	Questions []Question
}

// Desk loads the paper-ballot desk of an assembly the host may manage,
// with the latest limit audit entries.
func (s *Service) Desk(ctx context.Context, u *account.User, id int64, limit int) (*PaperDesk, error) {
	a, gs, rules, err := s.paperRules(ctx, u, id)
	if err != nil {
		return nil, err
	}
	log, err := s.PaperLog(ctx, a, gs, limit)
	if err != nil {
		return nil, err
	}
	ch := map[string]int64{}
	if _, err := countChannels(ctx, s.pool, a.ID, ch); err != nil {
		return nil, wrap("count paper ballots", err)
	}
	return &PaperDesk{A: a, Agendas: gs, Entries: log, Count: ch[ChannelPaper], Questions: rules.Questions}, nil
}

// EnterPaperNumbers stores one paper ballot typed as agenda numbers
// ("1 3 5"), in the order typed.
func (s *Service) EnterPaperNumbers(ctx context.Context, u *account.User, id int64, typed string) error {
	return s.EnterPaperNumbersAnswered(ctx, u, id, typed, nil)
}

// EnterPaperNumbersAnswered is EnterPaperNumbers with the ballot's answers
// to the questions.
func (s *Service) EnterPaperNumbersAnswered(ctx context.Context, u *account.User, id int64, typed string, answers map[string]string) error {
	_, gs, _, err := s.paperRules(ctx, u, id)
	if err != nil {
		return err
	}
	refs, err := NumbersToRefs(typed, gs)
	if err != nil {
		return err
	}
	_, err = s.EnterPaperAnswered(ctx, u, id, [][]AgendaRef{refs}, []map[string]string{answers})
	return err
}

// CorrectPaperNumbers replaces a paper ballot's choices with agenda numbers
// as typed ("1 3 5").
func (s *Service) CorrectPaperNumbers(ctx context.Context, u *account.User, id int64, ballotID, typed string) error {
	_, gs, _, err := s.paperRules(ctx, u, id)
	if err != nil {
		return err
	}
	refs, err := NumbersToRefs(typed, gs)
	if err != nil {
		return err
	}
	return s.CorrectPaper(ctx, u, id, ballotID, refs, false)
}

// NumbersToRefs turns typed agenda numbers ("1 3 5", "1,3,5") into agenda
// ids, in the order typed. EINVALID names a number that is not on the ballot.
func NumbersToRefs(s string, agendas []assembly.Agenda) ([]AgendaRef, error) {
	byNum := map[int]int64{}
	for _, g := range agendas {
		byNum[g.Number] = g.ID
	}
	fields := strings.FieldsFunc(s, func(r rune) bool {
		return r == ' ' || r == ',' || r == '.' || r == '\t' || r == '/' || r == '+'
	})
	if len(fields) == 0 {
		return nil, maeul.FieldErrorf(maeul.EINVALID, "numbers", "ballot.empty")
	}
	out := make([]AgendaRef, 0, len(fields))
	for _, f := range fields {
		n, err := strconv.Atoi(f)
		id, ok := byNum[n]
		if err != nil || !ok {
			return nil, maeul.FieldErrorf(maeul.EINVALID, "numbers", "paper.unknown_number", f)
		}
		out = append(out, AgendaRef(strconv.FormatInt(id, 10)))
	}
	return out, nil
}

// paperTally moves the running counts with the paper ballots, in the
// transaction that changed them.
func (s *Service) paperTally(ctx context.Context, tx pgx.Tx, assemblyID int64) error {
	a, err := assembly.FindAssembly(ctx, tx, assemblyID)
	if err != nil {
		return err
	}
	if err := refreshPaperTally(ctx, tx, a); err != nil {
		return err
	}
	return refreshPaperAnswers(ctx, tx, a.ID)
}
