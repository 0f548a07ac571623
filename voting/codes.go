package voting

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"maeul"
	"maeul/account"
	"maeul/assembly"
	"maeul/database"
	"maeul/secret"
)

// ShortAlphabet is the alphabet of typed codes: no 0/O, 1/I/L, U/V mix-ups.
// 30 symbols, 10 of them per code: about 49 bits.
const ShortAlphabet = "23456789ABCDEFGHJKMNPQRSTVWXYZ"

// ShortLen is the number of symbols of a typed code (grouped 4-4-2).
const ShortLen = 10

// MaxCodes is the most codes one request may issue.
const MaxCodes = 5000

// qrBytes is the randomness of a QR code's secret: 128 bits.
const qrBytes = 16

// A code's two forms. Code is the QR secret; Short the typed form.
type plainCode struct {
	qr, short string
}

func newPlainCode() plainCode {
	b := make([]byte, qrBytes)
	rand.Read(b)
	return plainCode{qr: base64.RawURLEncoding.EncodeToString(b), short: randomShort(ShortLen)}
}

// randomShort draws n symbols of ShortAlphabet uniformly (rejection sampling).
func randomShort(n int) string {
	out := make([]byte, 0, n)
	buf := make([]byte, n*2)
	for len(out) < n {
		rand.Read(buf)
		for _, x := range buf {
			// 240 = 8×30: values above would bias the draw.
			if x < 240 && len(out) < n {
				out = append(out, ShortAlphabet[int(x)%len(ShortAlphabet)])
			}
		}
	}
	return string(out)
}

// GroupShort writes a typed code as K7QM-2XRP-9D.
func GroupShort(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if i > 0 && i%4 == 0 {
			b.WriteByte('-')
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// Code forms.
const (
	formQR    = "qr"
	formShort = "short"
)

// codeKey is a code as the database knows it: which column and its hash,
// plus the canonical plain form (for the receipt key). ParseCode leaves a
// typed code's hash empty; Service.keyed computes it.
type codeKey struct {
	form  string
	hash  []byte
	plain string
}

func hashQR(s string) []byte {
	h := sha256.Sum256([]byte("maeul qr v1:" + s))
	return h[:]
}

// hashShort keys a typed code's hash with the service secret: 49 bits are
// few enough to brute-force from a plain hash, never from a keyed one.
func hashShort(k *secret.Key, s string) []byte {
	return k.MAC("short code", []byte(s))
}

// keyed fills in the hash of a parsed code: a typed code's needs the
// service secret, which ParseCode does not have.
func (s *Service) keyed(k codeKey) codeKey {
	if k.form == formShort {
		k.hash = hashShort(s.key(), k.plain)
	}
	return k
}

// ParseCode recognises either form of a code. A typed code is normalised
// (upper case, spaces and dashes dropped, and what a Korean 2-beolsik
// keyboard types on a letter's key read as that letter: ㅛ → Y, 호 → GH);
// a typed code with a symbol that is not in the alphabet (O, 0, I, 1, L, U)
// returns EINVALID with a message that says which symbols exist, and one
// of the wrong length EINVALID "code.length" (코드는 10자리입니다). Anything
// else is taken as a QR secret.
func ParseCode(s string) (codeKey, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return codeKey{}, maeul.FieldErrorf(maeul.EINVALID, "code", "code.empty")
	}
	if len(s) > 100 {
		return codeKey{}, maeul.FieldErrorf(maeul.ENOTFOUND, "code", "code.unknown")
	}
	if len(s) == qrBase64Len && isBase64URL(s) {
		return codeKey{form: formQR, hash: hashQR(s), plain: s}, nil
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == ' ' || r == '-' || r == '\t' || r == '–' || r == '—' || r == '.':
		case r >= 'a' && r <= 'z':
			b.WriteRune(r - 'a' + 'A')
		case r >= 'ａ' && r <= 'ｚ':
			b.WriteRune(r - 'ａ' + 'A')
		case r >= 'Ａ' && r <= 'Ｚ':
			b.WriteRune(r - 'Ａ' + 'A')
		case r >= '０' && r <= '９':
			b.WriteRune(r - '０' + '0')
		default:
			if keys, ok := hangulKeys(r); ok {
				b.WriteString(keys)
			} else {
				b.WriteRune(r)
			}
		}
	}
	n := b.String()
	if len([]rune(n)) == ShortLen {
		for _, r := range n {
			if !strings.ContainsRune(ShortAlphabet, r) {
				return codeKey{}, maeul.FieldErrorf(maeul.EINVALID, "code", "code.bad_symbol")
			}
		}
		return codeKey{form: formShort, plain: n}, nil // hash: Service.keyed
	}
	// A typed code with a symbol too few or too many: say how long codes
	// are. Letters and digits only, so that a QR secret cut short (22
	// symbols with - and _) still reads as unknown.
	if l := len([]rune(n)); l >= ShortLen-3 && l <= ShortLen+3 && isAlnum(n) {
		return codeKey{}, maeul.FieldErrorf(maeul.EINVALID, "code", "code.length", ShortLen, l)
	}
	return codeKey{}, maeul.FieldErrorf(maeul.ENOTFOUND, "code", "code.unknown")
}

func isAlnum(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// The keys of a 2-beolsik (두벌식) Korean keyboard, as Latin letters: what
// a resident whose keyboard was left in Korean types for a code's letters.
// A shifted key (ㄲ ㄸ ㅃ ㅆ ㅉ ㅒ ㅖ) is its letter too, and a compound
// jamo (ㄳ, ㅘ) or a composed syllable (효 = ㅎ+ㅛ) the keys it was typed
// with, in order.
var (
	// Compatibility jamo U+3131 ㄱ … U+3163 ㅣ.
	jamoKeys = [...]string{"R", "R", "RT", "S", "SW", "SG", "E", "E", "F", "FR", "FA", "FQ", "FT", "FX", "FV", "FG",
		"A", "Q", "Q", "QT", "T", "T", "D", "W", "W", "C", "Z", "X", "V", "G",
		"K", "O", "I", "O", "J", "P", "U", "P", "H", "HK", "HO", "HL", "Y", "N", "NJ", "NP", "NL", "B", "M", "ML", "L"}
	// A syllable's initial (19), medial (21) and final (27 and none).
	initialKeys = [...]string{"R", "R", "S", "E", "E", "F", "A", "Q", "Q", "T", "T", "D", "W", "W", "C", "Z", "X", "V", "G"}
	finalKeys   = [...]string{"", "R", "R", "RT", "S", "SW", "SG", "E", "F", "FR", "FA", "FQ", "FT", "FX", "FV", "FG",
		"A", "Q", "QT", "T", "T", "D", "W", "C", "Z", "X", "V", "G"}
)

// hangulKeys returns the Latin keys a Korean keyboard typed as r.
func hangulKeys(r rune) (string, bool) {
	switch {
	case r >= 0x3131 && r <= 0x3163:
		return jamoKeys[r-0x3131], true
	case r >= 0xAC00 && r <= 0xD7A3:
		i := int(r - 0xAC00)
		return initialKeys[i/588] + jamoKeys[30+(i%588)/28] + finalKeys[i%28], true
	}
	return "", false
}

var qrBase64Len = base64.RawURLEncoding.EncodedLen(qrBytes)

func isBase64URL(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// codeColumn is the column a form's hash lives in (never user input).
func (k codeKey) column() string {
	if k.form == formShort {
		return "short_hash"
	}
	return "qr_hash"
}

// BallotURL is where a code's QR points.
func (s *Service) BallotURL(slug, code string) string {
	return s.baseURL + "/v/" + slug + "?code=" + code
}

// IssueCodes creates n one-time codes of a channel for an assembly in one
// transaction and returns their plain forms, which are not kept anywhere.
// Returns EINVALID for a bad count or channel, ECONFLICT once the vote has
// closed, EFORBIDDEN if the host may not manage the assembly.
func (s *Service) IssueCodes(ctx context.Context, u *account.User, assemblyID int64, n int, channel string) (*assembly.Assembly, int64, []IssuedCode, error) {
	if n < 1 || n > MaxCodes {
		return nil, 0, nil, maeul.FieldErrorf(maeul.EINVALID, "count", "code.bad_count", MaxCodes)
	}
	if channel != ChannelOnsite && channel != ChannelOnline {
		return nil, 0, nil, maeul.FieldErrorf(maeul.EINVALID, "channel", "code.bad_channel")
	}
	a, err := s.managed(ctx, u, assemblyID)
	if err != nil {
		return nil, 0, nil, err
	}
	if a.State == assembly.StateClosed || a.State == assembly.StateAnnounced {
		return nil, 0, nil, maeul.Errorf(maeul.ECONFLICT, "code.closed")
	}
	if a.NeedsRegistration() {
		// One code per person: with eligibility set, codes come only
		// from registration (registration package), never in bulk.
		return nil, 0, nil, maeul.Errorf(maeul.ECONFLICT, "code.registration_required")
	}
	// A collision of the 49-bit typed form with another assembly's code is
	// very unlikely but possible: draw again.
	for try := 0; ; try++ {
		codes := make([]plainCode, n)
		for i := range codes {
			codes[i] = newPlainCode()
		}
		batch, err := s.insertCodes(ctx, a.ID, u.ID, channel, codes)
		if database.IsUniqueViolation(err, "") && try < 3 {
			continue
		}
		if err != nil {
			return nil, 0, nil, wrap("issue codes", err)
		}
		out := make([]IssuedCode, n)
		for i, c := range codes {
			out[i] = IssuedCode{Code: c.qr, Short: GroupShort(c.short), URL: s.BallotURL(a.Slug, c.qr), Number: i + 1}
		}
		s.OnChange(a.ID)
		return a, batch, out, nil
	}
}

func (s *Service) insertCodes(ctx context.Context, assemblyID, userID int64, channel string, codes []plainCode) (int64, error) {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback(ctx)
	var batch int64
	if err := tx.QueryRow(ctx, `INSERT INTO code_batches (assembly_id, channel, count, created_by)
		VALUES ($1, $2, $3, $4) RETURNING id`, assemblyID, channel, len(codes), userID).Scan(&batch); err != nil {
		return 0, err
	}
	_, err = tx.CopyFrom(ctx, pgx.Identifier{"codes"}, []string{"assembly_id", "batch_id", "channel", "qr_hash", "short_hash"},
		pgx.CopyFromSlice(len(codes), func(i int) ([]any, error) {
			return []any{assemblyID, batch, channel, hashQR(codes[i].qr), hashShort(s.key(), codes[i].short)}, nil
		}))
	if err != nil {
		return 0, err
	}
	if err := s.sealCards(ctx, tx, assemblyID, batch, codes); err != nil {
		return 0, err
	}
	return batch, tx.Commit(ctx)
}

// RevokeBatch revokes the unused codes of a batch and returns how many.
// Returns ENOTFOUND for a batch of another assembly.
func (s *Service) RevokeBatch(ctx context.Context, u *account.User, assemblyID, batchID int64) (int64, error) {
	a, err := s.managed(ctx, u, assemblyID)
	if err != nil {
		return 0, err
	}
	var exists bool
	if err := s.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM code_batches WHERE id = $1 AND assembly_id = $2)`,
		batchID, a.ID).Scan(&exists); err != nil {
		return 0, wrap("revoke batch", err)
	}
	if !exists {
		return 0, maeul.FieldErrorf(maeul.ENOTFOUND, "batch", "code.no_batch")
	}
	// A revoked code's sealed card goes with it: it can never be reprinted.
	tag, err := s.pool.Exec(ctx, `WITH r AS (UPDATE codes SET revoked_at = now()
			WHERE assembly_id = $1 AND batch_id = $2 AND NOT used AND revoked_at IS NULL RETURNING id),
		d AS (DELETE FROM code_cards WHERE code_id IN (SELECT id FROM r))
		SELECT 1 FROM r`, a.ID, batchID)
	if err != nil {
		return 0, wrap("revoke batch", err)
	}
	s.OnChange(a.ID)
	return tag.RowsAffected(), nil
}

// RevokeCode revokes one code by either form (the host types a lost card's
// code). Returns ENOTFOUND for an unknown code and ECONFLICT for a code
// that was already used (its ballot stays counted).
func (s *Service) RevokeCode(ctx context.Context, u *account.User, assemblyID int64, code string) error {
	a, err := s.managed(ctx, u, assemblyID)
	if err != nil {
		return err
	}
	k, err := ParseCode(code)
	if err != nil {
		return err
	}
	k = s.keyed(k)
	var used, revoked bool
	err = s.pool.QueryRow(ctx, `WITH r AS (UPDATE codes SET revoked_at = coalesce(revoked_at, now())
			WHERE assembly_id = $1 AND `+k.column()+` = $2 AND NOT used RETURNING id),
		d AS (DELETE FROM code_cards WHERE code_id IN (SELECT id FROM r))
		SELECT used, revoked_at IS NOT NULL FROM codes WHERE assembly_id = $1 AND `+k.column()+` = $2`,
		a.ID, k.hash).Scan(&used, &revoked)
	if errors.Is(err, pgx.ErrNoRows) {
		return maeul.FieldErrorf(maeul.ENOTFOUND, "code", "code.unknown")
	}
	if err != nil {
		return wrap("revoke code", err)
	}
	if used {
		return maeul.FieldErrorf(maeul.ECONFLICT, "code", "code.revoke_used")
	}
	s.OnChange(a.ID)
	return nil
}

// CodeState is what a ballot page needs to know about a code before the
// resident chooses: nothing is consumed.
type CodeState struct {
	Channel string
	Used    bool
	Revoked bool
}

// CheckCode looks a code up without consuming it. Returns ENOTFOUND for an
// unknown or revoked code, ECONFLICT ("code.used") for a used one, and
// ECONFLICT ("ballot.outside_window") for an online code outside the online
// window.
func (s *Service) CheckCode(ctx context.Context, a *assembly.Assembly, k codeKey) (string, error) {
	var st CodeState
	k = s.keyed(k)
	var inBooth bool
	err := s.pool.QueryRow(ctx, `SELECT c.channel, c.used, c.revoked_at IS NOT NULL, `+boothOpenSQL+`
		FROM codes c WHERE c.assembly_id = $1 AND c.`+k.column()+` = $2`, a.ID, k.hash).Scan(&st.Channel, &st.Used, &st.Revoked, &inBooth)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", maeul.FieldErrorf(maeul.ENOTFOUND, "code", "code.unknown")
	}
	if err != nil {
		return "", wrap("check code", err)
	}
	switch {
	case st.Revoked:
		return "", maeul.FieldErrorf(maeul.ENOTFOUND, "code", "code.unknown")
	case st.Used:
		return "", maeul.FieldErrorf(maeul.ECONFLICT, "code", "code.used")
	}
	if err := votingOpenFor(a, st.Channel, time.Now()); err != nil {
		return "", err
	}
	if st.Channel == ChannelEarly && !inBooth {
		return "", maeul.Errorf(maeul.ECONFLICT, "ballot.outside_booth")
	}
	return st.Channel, nil
}

// LookUpCode parses a code as a resident typed or scanned it and checks it
// without consuming it (CheckCode). A code that is not recognised is
// counted as a failed attempt for the host's console. Returns the code's
// canonical form and its channel.
func (s *Service) LookUpCode(ctx context.Context, a *assembly.Assembly, code string) (plain, channel string, err error) {
	k, err := ParseCode(code)
	if err == nil {
		channel, err = s.CheckCode(ctx, a, k)
	}
	if err != nil {
		if isGuess(err) {
			s.recordFailure(ctx, a.ID)
		}
		return "", "", err
	}
	return k.plain, channel, nil
}

// votingOpenFor returns ECONFLICT unless a ballot of that channel is
// accepted now. The database checks the state again (the trigger); the
// online window is checked again in the consuming statement.
func votingOpenFor(a *assembly.Assembly, channel string, now time.Time) error {
	if a.State != assembly.StateOpen {
		if a.State == assembly.StateClosed || a.State == assembly.StateAnnounced {
			return maeul.Errorf(maeul.ECONFLICT, "ballot.closed")
		}
		return maeul.Errorf(maeul.ECONFLICT, "ballot.not_open")
	}
	if channel == ChannelOnline && !inWindow(a, now) {
		return maeul.Errorf(maeul.ECONFLICT, "ballot.outside_window")
	}
	return nil
}

func inWindow(a *assembly.Assembly, now time.Time) bool {
	if a.OnlineFrom != nil && now.Before(*a.OnlineFrom) {
		return false
	}
	if a.OnlineUntil != nil && !now.Before(*a.OnlineUntil) {
		return false
	}
	return true
}

// recordFailure counts a failed code attempt for the host's console. No
// code and no address is kept.
func (s *Service) recordFailure(ctx context.Context, assemblyID int64) {
	_, err := s.pool.Exec(ctx, `INSERT INTO code_failures (assembly_id, hour, count)
		VALUES ($1, date_trunc('hour', now()), 1)
		ON CONFLICT (assembly_id, hour) DO UPDATE SET count = code_failures.count + 1`, assemblyID)
	if err != nil {
		s.log.Warn("count a failed code attempt", "err", err)
	}
}
