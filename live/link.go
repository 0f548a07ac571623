package live

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"time"

	"github.com/gorilla/websocket"
	"github.com/jackc/pgx/v5"

	"maeul"
	"maeul/assembly"
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
		return "", nil, wrap("create projector link", err)
	}
	return tok, l, nil
}

// FindLinks returns an assembly's projector links, the newest first.
func FindLinks(ctx context.Context, q assembly.Querier, assemblyID int64) ([]Link, error) {
	rows, _ := q.Query(ctx, `SELECT id, assembly_id, label, created_by, created_at, revoked_at
		FROM projector_links WHERE assembly_id = $1 ORDER BY id DESC`, assemblyID)
	links, err := pgx.CollectRows(rows, pgx.RowToStructByName[Link])
	return links, wrap("find projector links", err)
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
	return wrap("revoke projector link", err)
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
	return id, wrap("check projector link", err)
}

// revokedLinks returns which of the given links have been revoked.
func revokedLinks(ctx context.Context, q assembly.Querier, ids []int64) (map[int64]bool, error) {
	rows, _ := q.Query(ctx, `SELECT id FROM projector_links WHERE id = ANY($1) AND revoked_at IS NOT NULL`, ids)
	got, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	m := map[int64]bool{}
	for _, id := range got {
		m[id] = true
	}
	return m, wrap("find revoked projector links", err)
}

// cutRevoked closes the websockets opened with projector links that have
// since been revoked.
func (s *Service) cutRevoked(ctx context.Context) {
	byLink := map[int64][]*viewer{}
	s.mu.Lock()
	for _, r := range s.rooms {
		r.mu.Lock()
		for v := range r.viewers {
			if v.link != 0 {
				byLink[v.link] = append(byLink[v.link], v)
			}
		}
		r.mu.Unlock()
	}
	s.mu.Unlock()
	if len(byLink) == 0 {
		return
	}
	ids := make([]int64, 0, len(byLink))
	for id := range byLink {
		ids = append(ids, id)
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	revoked, err := revokedLinks(ctx, s.pool, ids)
	if err != nil {
		s.log.Warn("live: checking projector links failed", "err", err)
		return
	}
	for id := range revoked {
		for _, v := range byLink[id] {
			v.kill(websocket.ClosePolicyViolation)
		}
	}
}

// CreateLink makes a projector link for an assembly and returns its token
// (see CreateLink).
func (s *Service) CreateLink(ctx context.Context, assemblyID int64, userID *int64, label string) (string, *Link, error) {
	return CreateLink(ctx, s.pool, assemblyID, userID, label)
}

// Links returns an assembly's projector links, the newest first.
func (s *Service) Links(ctx context.Context, assemblyID int64) ([]Link, error) {
	return FindLinks(ctx, s.pool, assemblyID)
}

// RevokeLink stops a link from working (ENOTFOUND if the assembly has no
// such active link). Screens opened with it stop now here, and at the next
// resync on the other instances.
func (s *Service) RevokeLink(ctx context.Context, assemblyID, linkID int64) error {
	if err := RevokeLink(ctx, s.pool, assemblyID, linkID); err != nil {
		return err
	}
	go s.cutRevoked(context.Background())
	return nil
}

// LinkValid returns the id of the assembly's active projector link tok, or
// 0 if there is none.
func (s *Service) LinkValid(ctx context.Context, assemblyID int64, tok string) (int64, error) {
	return LinkValid(ctx, s.pool, assemblyID, tok)
}
