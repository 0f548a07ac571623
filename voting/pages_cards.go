package voting

import (
	"bytes"
	"encoding/base64"
	"html/template"
	"image/png"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gofiber/fiber/v2"
	qrcode "github.com/skip2/go-qrcode"

	"maeul"
	"maeul/account"
	"maeul/assembly"
	"maeul/web"
)

// CardsPerPage is how many cards an A4 sheet holds (2 × 4).
const CardsPerPage = 8

// cardJob renders the QR cards of one issue of codes in the background.
// The plain codes live only here, in memory, until the host has seen the
// sheet once (or the job expires); they are never written anywhere.
type cardJob struct {
	id      string
	userID  int64
	a       *assembly.Assembly
	channel string
	batch   int64
	codes   []IssuedCode
	// reprint marks a sheet of reprinted cards; skipped are the numbers
	// of the range left out (used or revoked).
	reprint bool
	skipped []int
	qrs     []template.URL
	done    atomic.Int64
	failed  atomic.Bool
	created time.Time
	ready   chan struct{}
}

type cardJobs struct {
	mu sync.Mutex
	m  map[string]*cardJob
}

const cardJobTTL = 30 * time.Minute

func (j *cardJob) finished() bool {
	select {
	case <-j.ready:
		return true
	default:
		return false
	}
}

// startCards starts rendering the cards of freshly issued codes, encoding
// the QR images on every core.
func (h *Handlers) startCards(u *account.User, a *assembly.Assembly, channel string, batch int64, codes []IssuedCode, reprint bool, skipped []int) *cardJob {
	j := &cardJob{id: web.NewID(12), userID: u.ID, a: a, channel: channel, batch: batch, codes: codes, reprint: reprint, skipped: skipped,
		qrs: make([]template.URL, len(codes)), created: time.Now(), ready: make(chan struct{})}
	h.cards.mu.Lock()
	if h.cards.m == nil {
		h.cards.m = map[string]*cardJob{}
	}
	for id, old := range h.cards.m {
		if time.Since(old.created) > cardJobTTL {
			delete(h.cards.m, id)
		}
	}
	h.cards.m[j.id] = j
	h.cards.mu.Unlock()
	go func() {
		defer close(j.ready)
		var next atomic.Int64
		var wg sync.WaitGroup
		for range max(runtime.GOMAXPROCS(0), 1) {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					i := int(next.Add(1) - 1)
					if i >= len(codes) {
						return
					}
					u, err := qrDataURL(codes[i].URL)
					if err != nil {
						j.failed.Store(true)
						h.env.Log.Error("render a QR card", "err", err)
						return
					}
					j.qrs[i] = u
					j.done.Add(1)
				}
			}()
		}
		wg.Wait()
	}()
	return j
}

// qrDataURL encodes a URL as a small PNG (4 px per module; the sheet scales
// it up crisply) in a data: URL.
func qrDataURL(content string) (template.URL, error) {
	q, err := qrcode.New(content, qrcode.Medium)
	if err != nil {
		return "", err
	}
	var b bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(&b, q.Image(-4)); err != nil {
		return "", err
	}
	// A data: URL of our own PNG, never user text.
	return template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(b.Bytes())), nil
}

// job returns the host's own card job, or ENOTFOUND (also once shown).
func (h *Handlers) job(c *fiber.Ctx) (*cardJob, error) {
	u := account.CurrentUser(c)
	h.cards.mu.Lock()
	j := h.cards.m[c.Params("job")]
	h.cards.mu.Unlock()
	if j == nil || u == nil || j.userID != u.ID || j.a.IDString() != c.Params("id") || time.Since(j.created) > cardJobTTL {
		return nil, maeul.Errorf(maeul.ENOTFOUND, "cards.gone")
	}
	return j, nil
}

// CardsPage is the progress page and then the printable sheet.
type CardsPage struct {
	web.Page
	A       *assembly.Assembly
	Done    int64
	Total   int
	Channel string
	Sheets  [][]Card
	Ballot  string
	JobURL  string
	Failed  bool
	// Reprint marks reprinted cards; Skipped lists the numbers left out.
	Reprint bool
	Skipped string
}

// Card is one printed card.
type Card struct {
	Short string
	QR    template.URL
	// Batch and Number name the card for a reprint.
	Batch  int64
	Number int
}

func (h *Handlers) cardsStatus(c *fiber.Ctx) error {
	j, err := h.job(c)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"done": j.done.Load(), "total": len(j.codes), "finished": j.finished(), "failed": j.failed.Load()})
}

// cardsPage shows progress until the cards are ready, then the sheet,
// once: the plain codes are dropped from memory as it is sent.
func (h *Handlers) cardsPage(c *fiber.Ctx) error {
	j, err := h.job(c)
	if err != nil {
		return err
	}
	p := CardsPage{Page: assembly.Page(c, j.a, j.a.Dong+" "+j.a.Title), A: j.a, Done: j.done.Load(), Total: len(j.codes),
		Channel: j.channel, Ballot: h.env.BaseURL + "/v/" + j.a.Slug,
		JobURL: "/host/assemblies/" + j.a.IDString() + "/cards/" + j.id}
	p.NoIndex = true
	p.Reprint = j.reprint
	for i, n := range j.skipped {
		if i > 0 {
			p.Skipped += ", "
		}
		p.Skipped += strconv.Itoa(n)
	}
	if !j.finished() {
		return h.env.Views.Render(c, "voting/cards_progress", p)
	}
	if j.failed.Load() {
		p.Failed = true
		h.dropJob(j)
		c.Status(fiber.StatusInternalServerError)
		return h.env.Views.Render(c, "voting/cards_progress", p)
	}
	for i := 0; i < len(j.codes); i += CardsPerPage {
		var sheet []Card
		for k := i; k < min(i+CardsPerPage, len(j.codes)); k++ {
			sheet = append(sheet, Card{Short: j.codes[k].Short, QR: j.qrs[k], Batch: j.batch, Number: j.codes[k].Number})
		}
		p.Sheets = append(p.Sheets, sheet)
	}
	h.dropJob(j)
	return h.env.Views.Render(c, "voting/cards", p)
}

func (h *Handlers) dropJob(j *cardJob) {
	h.cards.mu.Lock()
	delete(h.cards.m, j.id)
	h.cards.mu.Unlock()
}
