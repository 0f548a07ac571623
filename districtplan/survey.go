package districtplan

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"maeul"
	"maeul/account"
)

// Limits of a survey.
const (
	MaxQuestions  = 20
	MaxComment    = 2000
	maxQuestionLn = 300
)

// Survey is a questionnaire of the plan's participants.
type Survey struct {
	ID        int64      `json:"id,string"`
	Title     string     `json:"title"`
	Questions []string   `json:"questions"`
	Token     string     `json:"-"`
	Answers   int        `json:"answers"`
	ClosedAt  *time.Time `json:"closed_at"`
	District  string     `json:"district"`
	Year      int        `json:"year"`
}

// QuestionResult is one statement's answers: how many gave each rating.
type QuestionResult struct {
	Question string  `json:"question"`
	Counts   [5]int  `json:"counts"` // ratings 1…5
	Mean     float64 `json:"mean"`
}

// SurveyResults are a survey's answers summed up, with the comments.
type SurveyResults struct {
	Survey    *Survey          `json:"survey"`
	Questions []QuestionResult `json:"questions"`
	Comments  []string         `json:"comments"`
}

func newToken() string {
	b := make([]byte, 15)
	rand.Read(b)
	return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b))
}

// CreateSurvey opens a survey on the district's plan: its district's hosts
// or the city. questions are one statement each.
func (s *Service) CreateSurvey(ctx context.Context, u *account.User, year int, district, title string, questions []string) (*Survey, error) {
	if !(u.Role == account.RoleCity || u.Role == account.RoleDistrict && u.District == district) {
		return nil, forbid()
	}
	title = strings.TrimSpace(title)
	if title == "" || utf8.RuneCountInString(title) > maxShort {
		return nil, maeul.FieldErrorf(maeul.EINVALID, "title", "dp.err.need_title")
	}
	var qs []string
	for _, q := range questions {
		if q = strings.TrimSpace(q); q != "" {
			if utf8.RuneCountInString(q) > maxQuestionLn {
				return nil, maeul.FieldErrorf(maeul.EINVALID, "questions", "dp.err.too_long", maxQuestionLn)
			}
			qs = append(qs, q)
		}
	}
	if len(qs) == 0 || len(qs) > MaxQuestions {
		return nil, maeul.FieldErrorf(maeul.EINVALID, "questions", "dp.err.questions", MaxQuestions)
	}
	sv := &Survey{Title: title, Questions: qs, Token: newToken(), District: district, Year: year}
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		a, err := loadApp(ctx, tx, year, district, false)
		if err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `INSERT INTO dp_surveys (application_id, title, questions, token) VALUES ($1, $2, $3, $4) RETURNING id`,
			a.ID, title, qs, sv.Token).Scan(&sv.ID); err != nil {
			return err
		}
		return event(ctx, tx, a.ID, u, "survey", title)
	})
	if err != nil {
		return nil, wrap("create survey", err)
	}
	return sv, nil
}

const surveyColumns = `s.id, s.title, s.questions, s.token, (SELECT count(*) FROM dp_survey_answers x WHERE x.survey_id = s.id),
	s.closed_at, a.district, a.year`

func scanSurvey(row pgx.CollectableRow) (*Survey, error) {
	sv := &Survey{}
	err := row.Scan(&sv.ID, &sv.Title, &sv.Questions, &sv.Token, &sv.Answers, &sv.ClosedAt, &sv.District, &sv.Year)
	return sv, err
}

// Surveys lists the district's surveys, newest first.
func (s *Service) Surveys(ctx context.Context, u *account.User, year int, district string) ([]*Survey, error) {
	a, err := s.Application(ctx, u, year, district)
	if err != nil {
		return nil, err
	}
	rows, _ := s.pool.Query(ctx, `SELECT `+surveyColumns+` FROM dp_surveys s JOIN dp_applications a ON a.id = s.application_id
		WHERE a.id = $1 ORDER BY s.id DESC`, a.ID)
	svs, err := pgx.CollectRows(rows, scanSurvey)
	return svs, wrap("surveys", err)
}

// SurveyByToken is the public survey of a link, or ENOTFOUND.
func (s *Service) SurveyByToken(ctx context.Context, token string) (*Survey, error) {
	rows, _ := s.pool.Query(ctx, `SELECT `+surveyColumns+` FROM dp_surveys s JOIN dp_applications a ON a.id = s.application_id
		WHERE s.token = $1`, token)
	sv, err := pgx.CollectExactlyOneRow(rows, scanSurvey)
	if err == pgx.ErrNoRows {
		return nil, maeul.Errorf(maeul.ENOTFOUND, "dp.err.no_survey")
	}
	return sv, wrap("survey by token", err)
}

// AnswerSurvey stores one anonymous answer: a rating 1–5 for every
// statement and an optional comment. A closed survey answers ECONFLICT.
func (s *Service) AnswerSurvey(ctx context.Context, token string, ratings []int, comment string) error {
	sv, err := s.SurveyByToken(ctx, token)
	if err != nil {
		return err
	}
	if sv.ClosedAt != nil {
		return maeul.Errorf(maeul.ECONFLICT, "dp.err.survey_closed")
	}
	if len(ratings) != len(sv.Questions) {
		return maeul.FieldErrorf(maeul.EINVALID, "ratings", "dp.err.answer_all")
	}
	for i, r := range ratings {
		if r < 1 || r > 5 {
			return maeul.FieldErrorf(maeul.EINVALID, "q"+strconv.Itoa(i), "dp.err.answer_all")
		}
	}
	comment = strings.TrimSpace(comment)
	if utf8.RuneCountInString(comment) > MaxComment {
		return maeul.FieldErrorf(maeul.EINVALID, "comment", "dp.err.too_long", MaxComment)
	}
	// No time of day, no address: the date is all an answer keeps.
	_, err = s.pool.Exec(ctx, `INSERT INTO dp_survey_answers (survey_id, ratings, comment, answered_on)
		VALUES ($1, $2, $3, (now() AT TIME ZONE 'Asia/Seoul')::date)`, sv.ID, ratings, comment)
	return wrap("answer survey", err)
}

// CloseSurvey stops a survey taking answers.
func (s *Service) CloseSurvey(ctx context.Context, u *account.User, id int64) error {
	sv, err := s.surveyForHost(ctx, u, id)
	if err != nil {
		return err
	}
	_, err = s.pool.Exec(ctx, `UPDATE dp_surveys SET closed_at = coalesce(closed_at, now()) WHERE id = $1`, sv.ID)
	return wrap("close survey", err)
}

func (s *Service) surveyForHost(ctx context.Context, u *account.User, id int64) (*Survey, error) {
	rows, _ := s.pool.Query(ctx, `SELECT `+surveyColumns+` FROM dp_surveys s JOIN dp_applications a ON a.id = s.application_id
		WHERE s.id = $1`, id)
	sv, err := pgx.CollectExactlyOneRow(rows, scanSurvey)
	if err == pgx.ErrNoRows {
		return nil, maeul.Errorf(maeul.ENOTFOUND, "dp.err.no_survey")
	}
	if err != nil {
		return nil, wrap("survey", err)
	}
	if _, err := s.Application(ctx, u, sv.Year, sv.District); err != nil {
		return nil, err
	}
	return sv, nil
}

// SurveyResults sums up a survey's answers for whoever may read its plan.
func (s *Service) SurveyResults(ctx context.Context, u *account.User, id int64) (*SurveyResults, error) {
	sv, err := s.surveyForHost(ctx, u, id)
	if err != nil {
		return nil, err
	}
	res := &SurveyResults{Survey: sv, Comments: []string{}}
	res.Questions = make([]QuestionResult, len(sv.Questions))
	for i, q := range sv.Questions {
		res.Questions[i].Question = q
	}
	rows, _ := s.pool.Query(ctx, `SELECT ratings, comment FROM dp_survey_answers WHERE survey_id = $1 ORDER BY random()`, sv.ID)
	var ratings []int
	var comment string
	_, err = pgx.ForEachRow(rows, []any{&ratings, &comment}, func() error {
		for i, r := range ratings {
			if i < len(res.Questions) && r >= 1 && r <= 5 {
				res.Questions[i].Counts[r-1]++
			}
		}
		if comment != "" {
			res.Comments = append(res.Comments, comment)
		}
		return nil
	})
	if err != nil {
		return nil, wrap("survey results", err)
	}
	for i := range res.Questions {
		n, sum := 0, 0
		for r, c := range res.Questions[i].Counts {
			n += c
			sum += c * (r + 1)
		}
		if n > 0 {
			res.Questions[i].Mean = float64(sum) / float64(n)
		}
	}
	return res, nil
}
