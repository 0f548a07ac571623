package voting

import (
	"context"
	"sort"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"maeul/assembly"
)

// AnswerCount is one question's answers within one label (channel).
type AnswerCount struct{ Yes, No, Abstain int64 }

// queueAnswers stores a mixed group's answers with its ballots (ids[i] is
// group[i]'s new id) and moves the running counts of the questions by the
// group, in the mixing transaction.
func queueAnswers(b *pgx.Batch, assemblyID int64, label string, ids []uuid.UUID, group []pendingBallot) {
	var aBallot []uuid.UUID
	var aQuestion []int64
	var aAnswer []string
	per := map[int64]*AnswerCount{}
	for i, pb := range group {
		qids := make([]int64, 0, len(pb.answers))
		for q := range pb.answers {
			qids = append(qids, q)
		}
		sort.Slice(qids, func(x, y int) bool { return qids[x] < qids[y] })
		for _, q := range qids {
			ans := pb.answers[q]
			aBallot, aQuestion, aAnswer = append(aBallot, ids[i]), append(aQuestion, q), append(aAnswer, ans)
			c := per[q]
			if c == nil {
				c = &AnswerCount{}
				per[q] = c
			}
			c.add(ans, 1)
		}
	}
	if len(aBallot) == 0 {
		return
	}
	b.Queue(`INSERT INTO ballot_answers (assembly_id, ballot_id, question_id, answer)
		SELECT $1, x.b, x.q, x.a FROM unnest($2::uuid[], $3::bigint[], $4::text[]) WITH ORDINALITY AS x(b, q, a, ord) ORDER BY ord`,
		assemblyID, aBallot, aQuestion, aAnswer)
	for q, c := range per {
		b.Queue(`INSERT INTO tally_questions (assembly_id, question_id, channel, yes, no, abstain) VALUES ($1, $2, $3, $4, $5, $6)
			ON CONFLICT (assembly_id, question_id, channel) DO UPDATE
			SET yes = tally_questions.yes + excluded.yes, no = tally_questions.no + excluded.no,
				abstain = tally_questions.abstain + excluded.abstain`,
			assemblyID, q, label, c.Yes, c.No, c.Abstain)
	}
}

func (c *AnswerCount) add(answer string, n int64) {
	switch answer {
	case AnswerYes:
		c.Yes += n
	case AnswerNo:
		c.No += n
	case AnswerAbstain:
		c.Abstain += n
	}
}

// The close's reshuffle (mix.go) keeps the answers of the ballots it
// rewrites: copied before the ballots are deleted (their answers go with
// them), written back in the ballots' new random order.
const (
	reshuffleKeepAnswers = `CREATE TEMP TABLE reshuffle_a ON COMMIT DROP AS
			SELECT a.ballot_id, a.question_id, a.answer FROM ballot_answers a JOIN reshuffle_b x ON x.id = a.ballot_id
			WHERE a.assembly_id = $1`
	reshuffleAnswers = `INSERT INTO ballot_answers (assembly_id, ballot_id, question_id, answer)
			SELECT $1, a.ballot_id, a.question_id, a.answer FROM reshuffle_a a JOIN reshuffle_b x ON x.id = a.ballot_id
			ORDER BY x.r, a.question_id`
)

// recountAnswers counts every stored ballot's answers, one by one (the
// full recount's half for the questions), by label.
func (c *Counts) recountAnswers(ctx context.Context, q assembly.Querier, assemblyID int64) error {
	rows, err := q.Query(ctx, `SELECT b.channel, x.question_id,
			count(*) FILTER (WHERE x.answer = 'yes'), count(*) FILTER (WHERE x.answer = 'no'),
			count(*) FILTER (WHERE x.answer = 'abstain')
		FROM ballot_answers x JOIN ballots b ON b.assembly_id = x.assembly_id AND b.id = x.ballot_id
		WHERE x.assembly_id = $1 GROUP BY b.channel, x.question_id`, assemblyID)
	if err != nil {
		return err
	}
	return c.scanAnswers(rows)
}

// runningAnswers reads the questions' running counts.
func (c *Counts) runningAnswers(ctx context.Context, q assembly.Querier, assemblyID int64) error {
	rows, err := q.Query(ctx, `SELECT channel, question_id, yes, no, abstain FROM tally_questions WHERE assembly_id = $1`, assemblyID)
	if err != nil {
		return err
	}
	return c.scanAnswers(rows)
}

func (c *Counts) scanAnswers(rows pgx.Rows) error {
	defer rows.Close()
	if c.Questions == nil {
		c.Questions = map[int64]map[string]AnswerCount{}
	}
	for rows.Next() {
		var ch string
		var id int64
		var ac AnswerCount
		if err := rows.Scan(&ch, &id, &ac.Yes, &ac.No, &ac.Abstain); err != nil {
			return err
		}
		if c.Questions[id] == nil {
			c.Questions[id] = map[string]AnswerCount{}
		}
		c.Questions[id][ch] = ac
	}
	return rows.Err()
}

// QuestionTotal is a question's answers over every label.
func (c *Counts) QuestionTotal(questionID int64) AnswerCount {
	var t AnswerCount
	for _, ac := range c.Questions[questionID] {
		t.Yes += ac.Yes
		t.No += ac.No
		t.Abstain += ac.Abstain
	}
	return t
}

// sameAnswers reports whether two counts agree on every question's
// answers per label (zero rows aside).
func sameAnswers(x, y map[int64]map[string]AnswerCount) bool {
	type key struct {
		id int64
		ch string
	}
	norm := func(m map[int64]map[string]AnswerCount) map[key]AnswerCount {
		out := map[key]AnswerCount{}
		for id, chs := range m {
			for ch, ac := range chs {
				if ac != (AnswerCount{}) {
					out[key{id, ch}] = ac
				}
			}
		}
		return out
	}
	a, b := norm(x), norm(y)
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// refreshPaperAnswers recomputes the paper channel's question counts from
// its ballots, in the transaction that changed them.
func refreshPaperAnswers(ctx context.Context, tx pgx.Tx, assemblyID int64) error {
	b := &pgx.Batch{}
	b.Queue(`DELETE FROM tally_questions WHERE assembly_id = $1 AND channel = 'paper'`, assemblyID)
	b.Queue(`INSERT INTO tally_questions (assembly_id, question_id, channel, yes, no, abstain)
		SELECT $1, x.question_id, 'paper', count(*) FILTER (WHERE x.answer = 'yes'),
			count(*) FILTER (WHERE x.answer = 'no'), count(*) FILTER (WHERE x.answer = 'abstain')
		FROM ballot_answers x JOIN ballots b ON b.assembly_id = x.assembly_id AND b.id = x.ballot_id
		WHERE x.assembly_id = $1 AND b.channel = 'paper' GROUP BY x.question_id`, assemblyID)
	return tx.SendBatch(ctx, b).Close()
}

// storePaperAnswers queues the answers of one paper ballot.
func storePaperAnswers(b *pgx.Batch, assemblyID int64, ballotID uuid.UUID, answers map[int64]string) {
	if len(answers) == 0 {
		return
	}
	var qs []int64
	var as []string
	for q, a := range answers {
		qs, as = append(qs, q), append(as, a)
	}
	b.Queue(`INSERT INTO ballot_answers (assembly_id, ballot_id, question_id, answer)
		SELECT $1, $2, x.q, x.a FROM unnest($3::bigint[], $4::text[]) AS x(q, a)`, assemblyID, ballotID, qs, as)
}

// replacePaperAnswers replaces a paper ballot's answers (a correction).
// nil answers keep the ballot's own.
func replacePaperAnswers(ctx context.Context, tx pgx.Tx, assemblyID int64, ballotID uuid.UUID, answers map[int64]string) error {
	if answers == nil {
		return nil
	}
	b := &pgx.Batch{}
	b.Queue(`DELETE FROM ballot_answers WHERE ballot_id = $1`, ballotID)
	storePaperAnswers(b, assemblyID, ballotID, answers)
	return tx.SendBatch(ctx, b).Close()
}

// answersAt is answers[i], nil past the end.
func answersAt(answers []map[string]string, i int) map[string]string {
	if i < len(answers) {
		return answers[i]
	}
	return nil
}
