package voting

import (
	"context"
	"errors"
	"sort"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"maeul"
	"maeul/account"
	"maeul/assembly"
)

// Yes/no questions beside the agenda vote (the whole 자치계획, a 마을계획):
// voted on the same ballot with the same code; every question must be
// answered (기권 is an answer). The answers travel inside the sealed
// pending ballot and reach ballot_answers only when the mixer stores the
// ballot; their running counts (tally_questions) move in the same
// transaction, and CountBallots recounts them.

// Question rules.
const (
	RuleMajority  = "majority"   // passes when yes > no
	RuleTwoThirds = "two_thirds" // passes when yes ≥ ⅔ of yes + no
)

// Answers a ballot gives a question.
const (
	AnswerYes     = "yes"
	AnswerNo      = "no"
	AnswerAbstain = "abstain"
)

// MaxQuestions is the most questions an assembly may ask.
const MaxQuestions = 10

// maxQuestionText is the longest question, in characters.
const maxQuestionText = 500

// Question is one yes/no question of an assembly.
type Question struct {
	ID   int64  `json:"-"`
	Text string `json:"text"`
	Rule string `json:"rule"`
}

// IDString is the opaque id the API shows.
func (q Question) IDString() string { return strconv.FormatInt(q.ID, 10) }

// apiJSON is the question as the API writes it (the id as a string, as
// agendas have it).
func (q Question) apiJSON() map[string]string {
	return map[string]string{"id": q.IDString(), "text": q.Text, "rule": q.Rule}
}

// FindQuestions returns an assembly's questions in the order they were added.
func FindQuestions(ctx context.Context, q assembly.Querier, assemblyID int64) ([]Question, error) {
	rows, err := q.Query(ctx, `SELECT id, text, rule FROM questions WHERE assembly_id = $1 ORDER BY id`, assemblyID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Question
	for rows.Next() {
		var x Question
		if err := rows.Scan(&x.ID, &x.Text, &x.Rule); err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	return out, rows.Err()
}

// Passed reports whether a question passes under its rule; abstentions
// count for neither side. A two-thirds question needs at least one yes.
func Passed(rule string, yes, no int64) bool {
	if rule == RuleTwoThirds {
		return yes > 0 && 3*yes >= 2*(yes+no)
	}
	return yes > no
}

// QuestionsFor lists the questions of an assembly the host may read.
func (s *Service) QuestionsFor(ctx context.Context, u *account.User, id int64) ([]Question, error) {
	a, err := s.readable(ctx, u, id)
	if err != nil {
		return nil, err
	}
	qs, err := FindQuestions(ctx, s.pool, a.ID)
	return qs, wrap("find questions", err)
}

// AddQuestion adds a yes/no question to an assembly the host manages and
// returns its id. EINVALID for an empty or too long text or an unknown
// rule (empty: majority); ECONFLICT once voting has opened.
func (s *Service) AddQuestion(ctx context.Context, u *account.User, id int64, text, rule string) (int64, error) {
	a, err := s.managed(ctx, u, id)
	if err != nil {
		return 0, err
	}
	text = strings.TrimSpace(text)
	if rule == "" {
		rule = RuleMajority
	}
	switch {
	case text == "":
		return 0, maeul.FieldErrorf(maeul.EINVALID, "text", "question.text_needed")
	case len([]rune(text)) > maxQuestionText:
		return 0, maeul.FieldErrorf(maeul.EINVALID, "text", "question.text_long", maxQuestionText)
	case rule != RuleMajority && rule != RuleTwoThirds:
		return 0, maeul.FieldErrorf(maeul.EINVALID, "rule", "question.bad_rule")
	}
	if a.RulesFrozen() {
		return 0, maeul.Errorf(maeul.ECONFLICT, "question.frozen")
	}
	var qid int64
	err = s.pool.QueryRow(ctx, `INSERT INTO questions (assembly_id, text, rule)
		SELECT $1, $2, $3 WHERE (SELECT count(*) FROM questions WHERE assembly_id = $1) < $4 RETURNING id`,
		a.ID, text, rule, MaxQuestions).Scan(&qid)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, maeul.Errorf(maeul.EINVALID, "question.too_many", MaxQuestions)
	}
	if err != nil {
		return 0, wrap("add question", mapQuestionErr(err))
	}
	return qid, nil
}

// DeleteQuestion removes a question while voting has not opened.
func (s *Service) DeleteQuestion(ctx context.Context, u *account.User, id, questionID int64) error {
	a, err := s.managed(ctx, u, id)
	if err != nil {
		return err
	}
	if a.RulesFrozen() {
		return maeul.Errorf(maeul.ECONFLICT, "question.frozen")
	}
	tag, err := s.pool.Exec(ctx, `DELETE FROM questions WHERE assembly_id = $1 AND id = $2`, a.ID, questionID)
	if err != nil {
		return wrap("delete question", mapQuestionErr(err))
	}
	if tag.RowsAffected() == 0 {
		return maeul.Errorf(maeul.ENOTFOUND, "question.not_found")
	}
	return nil
}

// mapQuestionErr turns the database's refusal (voting opened meanwhile)
// into the message people read.
func mapQuestionErr(err error) error {
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "P0001" && pe.Hint == "maeul:questions_frozen" {
		return maeul.Errorf(maeul.ECONFLICT, "question.frozen")
	}
	return err
}

// CheckAnswers validates a ballot's answers against the assembly's
// questions: every question answered once with yes, no or abstain, and
// nothing else. Returns them by question id (nil when there are no
// questions). Every failure is EINVALID on the field "answers".
func (r *Rules) CheckAnswers(answers map[string]string) (map[int64]string, error) {
	if len(r.Questions) == 0 {
		if len(answers) > 0 {
			return nil, maeul.FieldErrorf(maeul.EINVALID, "answers", "ballot.unknown_question")
		}
		return nil, nil
	}
	known := make(map[int64]bool, len(r.Questions))
	for _, q := range r.Questions {
		known[q.ID] = true
	}
	out := make(map[int64]string, len(r.Questions))
	for k, v := range answers {
		id, err := strconv.ParseInt(strings.TrimSpace(k), 10, 64)
		if err != nil || !known[id] {
			return nil, maeul.FieldErrorf(maeul.EINVALID, "answers", "ballot.unknown_question")
		}
		if _, dup := out[id]; dup {
			return nil, maeul.FieldErrorf(maeul.EINVALID, "answers", "ballot.unknown_question")
		}
		switch v = strings.TrimSpace(v); v {
		case AnswerYes, AnswerNo, AnswerAbstain:
		default:
			return nil, maeul.FieldErrorf(maeul.EINVALID, "answers", "ballot.bad_answer")
		}
		out[id] = v
	}
	for i, q := range r.Questions {
		if _, ok := out[q.ID]; !ok {
			return nil, maeul.FieldErrorf(maeul.EINVALID, "answers", "ballot.unanswered", i+1)
		}
	}
	return out, nil
}

// checkMin refuses fewer choices than the assembly asks for (approval and
// ranked; a budget ballot is bounded by its cap only).
func (r *Rules) checkMin(n int) error {
	if r.Method == assembly.MethodBudget || r.MinChoices <= 1 || n >= r.MinChoices {
		return nil
	}
	if r.MinChoices == r.MaxChoices {
		return maeul.FieldErrorf(maeul.EINVALID, "choices", "ballot.exactly", r.MinChoices)
	}
	return maeul.FieldErrorf(maeul.EINVALID, "choices", "ballot.too_few", r.MinChoices)
}

// answerLetter and letterAnswer write an answer in a sealed ballot.
var answerLetter = map[string]string{AnswerYes: "y", AnswerNo: "n", AnswerAbstain: "a"}
var letterAnswer = map[string]string{"y": AnswerYes, "n": AnswerNo, "a": AnswerAbstain}

// encodeAnswers writes answers as "12:y,13:a", by question id, so the same
// answers always read the same (also in the receipt box's canonical form).
func encodeAnswers(answers map[int64]string) string {
	if len(answers) == 0 {
		return ""
	}
	ids := make([]int64, 0, len(answers))
	for id := range answers {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(a, b int) bool { return ids[a] < ids[b] })
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = strconv.FormatInt(id, 10) + ":" + answerLetter[answers[id]]
	}
	return strings.Join(parts, ",")
}

func decodeAnswers(s string) (map[int64]string, error) {
	if s == "" {
		return nil, nil
	}
	out := map[int64]string{}
	for _, p := range strings.Split(s, ",") {
		k, v, ok := strings.Cut(p, ":")
		id, err := strconv.ParseInt(k, 10, 64)
		ans := letterAnswer[v]
		if !ok || err != nil || ans == "" {
			return nil, errors.New("a sealed ballot holds a bad answer list")
		}
		out[id] = ans
	}
	return out, nil
}

// sealedPayload is what a pending ballot seals: the agenda ids in order
// and, after a ";", the answers. A ballot without questions seals the
// agenda list alone, as before.
func sealedPayload(ids []int64, answers map[int64]string) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = strconv.FormatInt(id, 10)
	}
	s := strings.Join(parts, ",")
	if len(answers) > 0 {
		s += ";" + encodeAnswers(answers)
	}
	return s
}

// canonAnswers is appended to the canonical choices kept in the receipt
// box, so a retry with other answers is told the first ballot stands.
func canonAnswers(answers map[int64]string) string {
	if len(answers) == 0 {
		return ""
	}
	return ";" + encodeAnswers(answers)
}
