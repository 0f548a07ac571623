package live

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/jackc/pgx/v5"

	"maeul"
	"maeul/account"
	"maeul/assembly"
	"maeul/web"
)

// Link is a projector link: a URL with a token that shows one assembly's
// projector (and its live tally) without a host login, for the computer
// that drives the wall. Only the token's hash is stored; it is shown once.
type Link struct {
	ID         int64      `db:"id"`
	AssemblyID int64      `db:"assembly_id"`
	Label      string     `db:"label"`
	CreatedBy  *int64     `db:"created_by"`
	CreatedAt  time.Time  `db:"created_at"`
	RevokedAt  *time.Time `db:"revoked_at"`
}

func hashLink(tok string) []byte {
	h := sha256.Sum256([]byte(tok))
	return h[:]
}

// CreateLink makes a projector link for an assembly and returns its token.
// Returns EINVALID if the label is longer than 100 characters.
func CreateLink(ctx context.Context, q assembly.Querier, assemblyID int64, userID *int64, label string) (string, *Link, error) {
	if len([]rune(label)) > 100 {
		return "", nil, maeul.FieldErrorf(maeul.EINVALID, "label", "projector.link_label_long")
	}
	b := make([]byte, 24)
	rand.Read(b)
	tok := "pl_" + base64.RawURLEncoding.EncodeToString(b)
	rows, _ := q.Query(ctx, `INSERT INTO projector_links (assembly_id, token_hash, label, created_by)
		VALUES ($1, $2, $3, $4) RETURNING id, assembly_id, label, created_by, created_at, revoked_at`,
		assemblyID, hashLink(tok), label, userID)
	l, err := pgx.CollectExactlyOneRow(rows, pgx.RowToAddrOfStructByName[Link])
	if err != nil {
		return "", nil, err
	}
	return tok, l, nil
}

// FindLinks returns an assembly's projector links, the newest first.
func FindLinks(ctx context.Context, q assembly.Querier, assemblyID int64) ([]Link, error) {
	rows, _ := q.Query(ctx, `SELECT id, assembly_id, label, created_by, created_at, revoked_at
		FROM projector_links WHERE assembly_id = $1 ORDER BY id DESC`, assemblyID)
	return pgx.CollectRows(rows, pgx.RowToStructByName[Link])
}

// RevokeLink stops a link from working. Returns ENOTFOUND if the assembly
// has no such link that is still active.
func RevokeLink(ctx context.Context, q assembly.Querier, assemblyID, linkID int64) error {
	var id int64
	err := q.QueryRow(ctx, `UPDATE projector_links SET revoked_at = now()
		WHERE id = $1 AND assembly_id = $2 AND revoked_at IS NULL RETURNING id`, linkID, assemblyID).Scan(&id)
	if err == pgx.ErrNoRows {
		return maeul.Errorf(maeul.ENOTFOUND, "projector.link_not_found")
	}
	return err
}

// LinkValid returns the id of the active projector link tok of the
// assembly, or 0 if there is none.
func LinkValid(ctx context.Context, q assembly.Querier, assemblyID int64, tok string) (int64, error) {
	var id int64
	err := q.QueryRow(ctx, `SELECT id FROM projector_links
		WHERE token_hash = $1 AND assembly_id = $2 AND revoked_at IS NULL`, hashLink(tok), assemblyID).Scan(&id)
	if err == pgx.ErrNoRows {
		return 0, nil
	}
	return id, err
}

// revokedLinks returns which of the given links have been revoked.
func revokedLinks(ctx context.Context, q assembly.Querier, ids []int64) (map[int64]bool, error) {
	rows, _ := q.Query(ctx, `SELECT id FROM projector_links WHERE id = ANY($1) AND revoked_at IS NOT NULL`, ids)
	got, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	m := map[int64]bool{}
	for _, id := range got {
		m[id] = true
	}
	return m, err
}

// mayView returns nil when the request may see the assembly's live tally
// and projector: a host who can read the assembly (session or Bearer
// token), a projector link token (?t=), or anyone once the results are
// announced. Otherwise EUNAUTHORIZED (no or bad credentials; bad link
// tokens are rate-limited per client) or EFORBIDDEN (another dong's host).
// The id of the projector link used, if any, is returned so its viewers
// can be cut off when it is revoked.
func (h *Hub) mayView(c *fiber.Ctx, a *assembly.Assembly) (int64, error) {
	u := account.CurrentUser(c)
	if u.CanRead(a.District, a.Dong) {
		return 0, nil
	}
	if tok := c.Query("t"); tok != "" {
		key := web.ClientKey(c)
		if err := h.linkBlocked(key); err != nil {
			return 0, err
		}
		id, err := LinkValid(c.UserContext(), h.env.Pool, a.ID, tok)
		if err != nil {
			return 0, err
		}
		if id != 0 {
			return id, nil
		}
		if err := h.linkFailed(key); err != nil {
			return 0, err
		}
		if a.State != assembly.StateAnnounced {
			return 0, maeul.Errorf(maeul.EUNAUTHORIZED, "projector.bad_link")
		}
	}
	if a.State == assembly.StateAnnounced {
		return 0, nil
	}
	if u != nil {
		return 0, account.Forbid()
	}
	return 0, maeul.Errorf(maeul.EUNAUTHORIZED, "error.unauthorized")
}

// linkBlocked refuses a client that has failed too many link tokens
// lately. Only failures count, so a wall (or a hall of phones behind one
// address) may reconnect as often as it needs.
func (h *Hub) linkBlocked(key string) error {
	h.blockMu.Lock()
	defer h.blockMu.Unlock()
	until, ok := h.blocked[key]
	if !ok {
		return nil
	}
	if wait := time.Until(until); wait > 0 {
		e := maeul.Errorf(maeul.ETOOMANY, "error.too_many")
		e.RetryAfter = int(wait/time.Second) + 1
		return e
	}
	delete(h.blocked, key)
	return nil
}

// linkFailed counts a wrong link token; past the budget the client is
// blocked until its bucket refills.
func (h *Hub) linkFailed(key string) error {
	err := h.linkLimit.Check(key)
	if e, ok := err.(*maeul.Error); ok {
		h.blockMu.Lock()
		if len(h.blocked) > 10_000 {
			for k, t := range h.blocked {
				if time.Now().After(t) {
					delete(h.blocked, k)
				}
			}
		}
		h.blocked[key] = time.Now().Add(time.Duration(e.RetryAfter) * time.Second)
		h.blockMu.Unlock()
	}
	return err
}
