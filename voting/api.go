package voting

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"maeul"
	"maeul/account"
	"maeul/assembly"
	"maeul/web"
)

func decodeJSON(c *fiber.Ctx, v any) error {
	if err := json.Unmarshal(c.Body(), v); err != nil {
		return maeul.Errorf(maeul.EMALFORMED, "error.malformed_json")
	}
	return nil
}

func assemblyID(c *fiber.Ctx) (int64, error) {
	id := web.ParseID(c.Params("id"))
	if id == 0 {
		return 0, maeul.Errorf(maeul.ENOTFOUND, "assembly.not_found")
	}
	return id, nil
}

// isGuess reports whether err means the code itself was not recognised:
// what a guesser sees, so it costs a token.
func isGuess(err error) bool {
	var e *maeul.Error
	return errors.As(err, &e) && (e.Key == "code.unknown" || e.Key == "code.bad_symbol")
}

func tooMany(wait int) error {
	e := maeul.Errorf(maeul.ETOOMANY, "code.too_many", wait)
	e.RetryAfter = wait
	return e
}

// guessCheck refuses a client that guessed too often.
func (s *Service) guessCheck(c *fiber.Ctx) error {
	if w := s.Guesses.blockedFor(web.ClientKey(c)); w > 0 {
		return tooMany(w)
	}
	return nil
}

// guessFailed counts a failed attempt for the client.
func (s *Service) guessFailed(c *fiber.Ctx, err error) {
	if isGuess(err) {
		s.Guesses.fail(web.ClientKey(c))
	}
}

func (s *Service) apiBallot(c *fiber.Ctx) error {
	if err := s.guessCheck(c); err != nil {
		return err
	}
	req, err := ParseBallot(c.Body())
	if err != nil {
		return err
	}
	receipt, err := s.Submit(c.UserContext(), Submission{Slug: req.Assembly, Code: req.Code, Nonce: req.Nonce, Choices: req.Choices})
	if err != nil {
		s.guessFailed(c, err)
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"receipt": receipt})
}

func (s *Service) apiOpen(c *fiber.Ctx) error {
	id, err := assemblyID(c)
	if err != nil {
		return err
	}
	r, err := s.Open(c.UserContext(), account.CurrentUser(c), id)
	if err != nil {
		return err
	}
	return c.JSON(r)
}

func (s *Service) apiClose(c *fiber.Ctx) error {
	id, err := assemblyID(c)
	if err != nil {
		return err
	}
	r, err := s.Close(c.UserContext(), account.CurrentUser(c), id)
	if err != nil {
		return err
	}
	return c.JSON(r)
}

func (s *Service) apiIssueCodes(c *fiber.Ctx) error {
	id, err := assemblyID(c)
	if err != nil {
		return err
	}
	var req struct {
		Count   int    `json:"count"`
		Channel string `json:"channel"`
	}
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	_, batch, codes, err := s.IssueCodes(c.UserContext(), account.CurrentUser(c), id, req.Count, req.Channel)
	if err != nil {
		return err
	}
	c.Set("Cache-Control", "no-store")
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"batch": strconv.FormatInt(batch, 10), "codes": codes})
}

func (s *Service) apiRevoke(c *fiber.Ctx) error {
	id, err := assemblyID(c)
	if err != nil {
		return err
	}
	var req struct {
		Batch string `json:"batch"`
		Code  string `json:"code"`
	}
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	u := account.CurrentUser(c)
	switch {
	case req.Batch != "":
		b := web.ParseID(req.Batch)
		if b == 0 {
			return maeul.FieldErrorf(maeul.ENOTFOUND, "batch", "code.no_batch")
		}
		n, err := s.RevokeBatch(c.UserContext(), u, id, b)
		if err != nil {
			return err
		}
		return c.JSON(fiber.Map{"revoked": n})
	case req.Code != "":
		if err := s.RevokeCode(c.UserContext(), u, id, req.Code); err != nil {
			return err
		}
		return c.JSON(fiber.Map{"revoked": 1})
	}
	return maeul.FieldErrorf(maeul.EINVALID, "code", "code.revoke_what")
}

func (s *Service) apiCodeBatches(c *fiber.Ctx) error {
	id, err := assemblyID(c)
	if err != nil {
		return err
	}
	a, err := s.readable(c.UserContext(), account.CurrentUser(c), id)
	if err != nil {
		return err
	}
	st, err := s.Stats(c.UserContext(), a)
	if err != nil {
		return err
	}
	return c.JSON(st)
}

func (s *Service) apiPaper(c *fiber.Ctx) error {
	id, err := assemblyID(c)
	if err != nil {
		return err
	}
	var req struct {
		Ballots [][]AgendaRef `json:"ballots"`
	}
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	ids, err := s.EnterPaper(c.UserContext(), account.CurrentUser(c), id, req.Ballots)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"created": len(ids), "ballots": ids})
}

func (s *Service) apiPaperLog(c *fiber.Ctx) error {
	id, err := assemblyID(c)
	if err != nil {
		return err
	}
	a, err := s.readable(c.UserContext(), account.CurrentUser(c), id)
	if err != nil {
		return err
	}
	gs, err := assembly.FindAgendas(c.UserContext(), s.Env.Pool, a.ID)
	if err != nil {
		return err
	}
	log, err := s.PaperLog(c.UserContext(), a, gs, 1000)
	if err != nil {
		return err
	}
	if log == nil {
		log = []PaperEntry{}
	}
	return c.JSON(fiber.Map{"entries": log})
}

func (s *Service) apiPaperCorrect(c *fiber.Ctx) error {
	id, err := assemblyID(c)
	if err != nil {
		return err
	}
	var req struct {
		Choices []AgendaRef `json:"choices"`
	}
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	if err := s.CorrectPaper(c.UserContext(), account.CurrentUser(c), id, c.Params("ballot"), req.Choices, false); err != nil {
		return err
	}
	return c.JSON(fiber.Map{"ballot": c.Params("ballot"), "action": "correct"})
}

func (s *Service) apiPaperVoid(c *fiber.Ctx) error {
	id, err := assemblyID(c)
	if err != nil {
		return err
	}
	if err := s.CorrectPaper(c.UserContext(), account.CurrentUser(c), id, c.Params("ballot"), nil, true); err != nil {
		return err
	}
	return c.JSON(fiber.Map{"ballot": c.Params("ballot"), "action": "void"})
}

// Stats are the console's numbers.
type Stats struct {
	Issued   map[string]int64 `json:"issued"`
	Used     map[string]int64 `json:"used"`
	Revoked  map[string]int64 `json:"revoked"`
	Ballots  map[string]int64 `json:"ballots"`
	Total    int64            `json:"total"`
	Failures int64            `json:"failed_attempts"`
	// FailuresHour counts failed attempts in the current hour.
	FailuresHour int64   `json:"failed_attempts_hour"`
	Batches      []Batch `json:"batches"`
}

// IssuedTotal, UsedTotal and RevokedTotal are the console's 합계 row.
func (s *Stats) IssuedTotal() int64  { return sumOf(s.Issued) }
func (s *Stats) UsedTotal() int64    { return sumOf(s.Used) }
func (s *Stats) RevokedTotal() int64 { return sumOf(s.Revoked) }

func sumOf(m map[string]int64) int64 {
	var n int64
	for _, v := range m {
		n += v
	}
	return n
}

// Batch is one issue of codes.
type Batch struct {
	ID        string    `json:"id"`
	Channel   string    `json:"channel"`
	Count     int64     `json:"count"`
	Used      int64     `json:"used"`
	Revoked   int64     `json:"revoked"`
	CreatedAt time.Time `json:"created_at"`
}

// Unused is how many codes of the batch can still vote.
func (b Batch) Unused() int64 { return b.Count - b.Used - b.Revoked }

// Stats counts codes and ballots per channel and failed code attempts.
func (s *Service) Stats(ctx context.Context, a *assembly.Assembly) (*Stats, error) {
	st := &Stats{Issued: map[string]int64{ChannelOnsite: 0, ChannelOnline: 0},
		Used:    map[string]int64{ChannelOnsite: 0, ChannelOnline: 0},
		Revoked: map[string]int64{ChannelOnsite: 0, ChannelOnline: 0},
		Ballots: map[string]int64{ChannelOnsite: 0, ChannelOnline: 0, ChannelPaper: 0}, Batches: []Batch{}}
	rows, err := s.Env.Pool.Query(ctx, `SELECT b.id, b.channel, b.count, b.created_at,
			count(c.used_at), count(c.revoked_at)
		FROM code_batches b LEFT JOIN codes c ON c.batch_id = b.id
		WHERE b.assembly_id = $1 GROUP BY b.id ORDER BY b.id DESC`, a.ID)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var b Batch
		var id int64
		if err := rows.Scan(&id, &b.Channel, &b.Count, &b.CreatedAt, &b.Used, &b.Revoked); err != nil {
			rows.Close()
			return nil, err
		}
		b.ID = strconv.FormatInt(id, 10)
		st.Issued[b.Channel] += b.Count
		st.Used[b.Channel] += b.Used
		st.Revoked[b.Channel] += b.Revoked
		st.Batches = append(st.Batches, b)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = s.Env.Pool.Query(ctx, `SELECT channel, count(*) FROM ballots WHERE assembly_id = $1 GROUP BY channel`, a.ID)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var ch string
		var n int64
		if err := rows.Scan(&ch, &n); err != nil {
			rows.Close()
			return nil, err
		}
		st.Ballots[ch] = n
		st.Total += n
	}
	rows.Close()
	err = s.Env.Pool.QueryRow(ctx, `SELECT coalesce(sum(count), 0),
		coalesce(sum(count) FILTER (WHERE hour = date_trunc('hour', now())), 0)
		FROM code_failures WHERE assembly_id = $1`, a.ID).Scan(&st.Failures, &st.FailuresHour)
	return st, err
}
