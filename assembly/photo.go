package assembly

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	_ "image/gif" // decoders for uploads
	"image/jpeg"
	_ "image/png"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"golang.org/x/image/draw"

	"maeul"
)

// Photo limits.
const (
	MaxPhotoBytes   = 10 << 20 // an upload
	MaxPhotoPixels  = 50_000_000
	PhotoMaxWidth   = 800 // stored photos are at most this wide
	PhotoQuality    = 80
	MaxPhotoCaption = 200
)

// Photo is a picture of an agenda (관련 사진), stored as a JPEG at most 800 px
// wide. Photos never change in place: a new picture is a new id.
type Photo struct {
	ID        int64     `db:"id"`
	AgendaID  int64     `db:"agenda_id"`
	Position  int       `db:"position"`
	Caption   string    `db:"caption"`
	Width     int       `db:"width"`
	Height    int       `db:"height"`
	CreatedAt time.Time `db:"created_at"`
}

// URL is where the photo is served.
func (p Photo) URL() string { return "/photos/" + strconv.FormatInt(p.ID, 10) + ".jpg" }

// photoSlots bounds the decodes running at once in this process, and
// photoUsers lets each host run one at a time: a decode may hold up to
// MaxPhotoDecodeBytes.
var (
	photoSlots = make(chan struct{}, 2)
	photoMu    sync.Mutex
	photoUsers = map[int64]bool{}
)

// MaxPhotoDecodeBytes is the most memory one photo's decoding may take, as
// read from its header before any pixel is decoded.
const MaxPhotoDecodeBytes = 96 << 20

// ResizePhoto decodes a JPEG, PNG or GIF, turns it upright by its EXIF
// orientation, scales it down to at most 800 px wide (Catmull-Rom) and
// encodes it as a JPEG of quality 80; transparent parts become white.
// Returns EINVALID if data is not such an image, has more than 50 million
// pixels, or would take more than MaxPhotoDecodeBytes to decode.
func ResizePhoto(data []byte) (out []byte, w, h int, err error) {
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil || (format != "jpeg" && format != "png" && format != "gif") {
		return nil, 0, 0, maeul.FieldErrorf(maeul.EINVALID, "photo", "photo.bad_image")
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || int64(cfg.Width)*int64(cfg.Height) > MaxPhotoPixels {
		return nil, 0, 0, maeul.FieldErrorf(maeul.EINVALID, "photo", "photo.too_many_pixels")
	}
	info := jpegInfo{Orientation: 1}
	if format == "jpeg" {
		info = readJPEGInfo(data)
	}
	// The upright size, and the size to scale to before turning.
	uw, uh := cfg.Width, cfg.Height
	if info.Orientation >= 5 {
		uw, uh = uh, uw
	}
	if uw > PhotoMaxWidth {
		uh = max(1, int((int64(uh)*PhotoMaxWidth+int64(uw)/2)/int64(uw)))
		uw = PhotoMaxWidth
	}
	sw, sh := uw, uh
	if info.Orientation >= 5 {
		sw, sh = uh, uw
	}
	cost := decodeCost(cfg, format, info)
	if format == "png" && len(data) > 28 && data[28] == 1 {
		cost *= 2 // interlaced: the passes, then the image
	}
	cost += int64(sw) * int64(sh) * 4 * 2 // the scaled copy, and turned
	if cost > MaxPhotoDecodeBytes {
		return nil, 0, 0, maeul.FieldErrorf(maeul.EINVALID, "photo", "photo.too_much_memory",
			(cost+(1<<20)-1)>>20, MaxPhotoDecodeBytes>>20)
	}
	photoSlots <- struct{}{}
	defer func() { <-photoSlots }()
	src, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, 0, 0, maeul.FieldErrorf(maeul.EINVALID, "photo", "photo.bad_image")
	}
	b := src.Bounds()
	// Scale straight from the decoded image onto white (JPEG has no
	// transparency): no full-size copy besides the decoder's own.
	dst := image.NewRGBA(image.Rect(0, 0, sw, sh))
	draw.Draw(dst, dst.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)
	if sw == b.Dx() && sh == b.Dy() {
		draw.Draw(dst, dst.Bounds(), src, b.Min, draw.Over)
	} else {
		draw.CatmullRom.Scale(dst, dst.Bounds(), src, b, draw.Over, nil)
	}
	dst = orient(dst, info.Orientation)
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, dst, &jpeg.Options{Quality: PhotoQuality}); err != nil {
		return nil, 0, 0, err
	}
	return buf.Bytes(), uw, uh, nil
}

// resizeAs is ResizePhoto for a host: one decode at a time per host, so
// one account cannot take both slots; a second upload while the first is
// decoding is refused (ETOOMANY), not queued.
func resizeAs(userID int64, data []byte) ([]byte, int, int, error) {
	photoMu.Lock()
	if photoUsers[userID] {
		photoMu.Unlock()
		return nil, 0, 0, maeul.Errorf(maeul.ETOOMANY, "photo.busy")
	}
	photoUsers[userID] = true
	photoMu.Unlock()
	defer func() {
		photoMu.Lock()
		delete(photoUsers, userID)
		photoMu.Unlock()
	}()
	return ResizePhoto(data)
}

// AddPhoto stores a photo of an agenda after ResizePhoto. Returns EINVALID
// for a bad image or caption, ENOTFOUND for an unknown agenda and ECONFLICT
// once voting has opened (the assembly row is locked while checking, so the
// photo cannot land after the opening).
func AddPhoto(ctx context.Context, pool *pgxpool.Pool, agendaID int64, caption string, data []byte) (*Photo, error) {
	p, _, err := addPhoto(ctx, pool, 0, agendaID, caption, data)
	return p, err
}

// addPhoto is AddPhoto that also returns the agenda's assembly id.
func addPhoto(ctx context.Context, pool *pgxpool.Pool, userID, agendaID int64, caption string, data []byte) (*Photo, int64, error) {
	caption = strings.TrimSpace(strings.ReplaceAll(strings.ToValidUTF8(caption, ""), "\x00", ""))
	if utf8.RuneCountInString(caption) > MaxPhotoCaption {
		return nil, 0, maeul.FieldErrorf(maeul.EINVALID, "caption", "photo.caption_long", MaxPhotoCaption)
	}
	img, w, h, err := resizeAs(userID, data)
	if err != nil {
		return nil, 0, err
	}
	var p *Photo
	var assemblyID int64
	err = pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		var err error
		if assemblyID, err = lockAgendaForPhotos(ctx, tx, agendaID); err != nil {
			return err
		}
		rows, _ := tx.Query(ctx, `INSERT INTO agenda_photos (agenda_id, position, caption, width, height, image)
			VALUES ($1, (SELECT coalesce(max(position), 0) + 1 FROM agenda_photos WHERE agenda_id = $1), $2, $3, $4, $5)
			RETURNING id, agenda_id, position, caption, width, height, created_at`, agendaID, caption, w, h, img)
		p, err = pgx.CollectExactlyOneRow(rows, pgx.RowToAddrOfStructByName[Photo])
		return err
	})
	if err != nil {
		return nil, 0, wrap("add photo", err)
	}
	return p, assemblyID, nil
}

// DeletePhoto removes a photo. Returns ENOTFOUND for an unknown photo and
// ECONFLICT once voting has opened.
func DeletePhoto(ctx context.Context, pool *pgxpool.Pool, id int64) error {
	err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		var agendaID int64
		err := tx.QueryRow(ctx, `SELECT agenda_id FROM agenda_photos WHERE id = $1`, id).Scan(&agendaID)
		if errors.Is(err, pgx.ErrNoRows) {
			return maeul.Errorf(maeul.ENOTFOUND, "photo.not_found")
		}
		if err != nil {
			return err
		}
		if _, err := lockAgendaForPhotos(ctx, tx, agendaID); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `DELETE FROM agenda_photos WHERE id = $1`, id)
		return err
	})
	return wrap("delete photo", err)
}

// lockAgendaForPhotos takes a share lock on the agenda's assembly (opening
// the vote updates that row, so it waits for us) and refuses with ECONFLICT
// once the rules are frozen. It returns the assembly's id.
func lockAgendaForPhotos(ctx context.Context, tx pgx.Tx, agendaID int64) (int64, error) {
	var state string
	var assemblyID int64
	err := tx.QueryRow(ctx, `SELECT a.state, a.id FROM agendas g JOIN assemblies a ON a.id = g.assembly_id
		WHERE g.id = $1 FOR SHARE OF a`, agendaID).Scan(&state, &assemblyID)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, maeul.Errorf(maeul.ENOTFOUND, "photo.no_agenda")
	}
	if err != nil {
		return 0, err
	}
	if (&Assembly{State: state}).RulesFrozen() {
		return 0, maeul.Errorf(maeul.ECONFLICT, "photo.frozen")
	}
	return assemblyID, nil
}

// FindPhotos returns the photos of the assembly's agendas in their order, by
// agenda id (without the image bytes).
func FindPhotos(ctx context.Context, q Querier, assemblyID int64) (map[int64][]Photo, error) {
	rows, _ := q.Query(ctx, `SELECT p.id, p.agenda_id, p.position, p.caption, p.width, p.height, p.created_at
		FROM agenda_photos p JOIN agendas g ON g.id = p.agenda_id
		WHERE g.assembly_id = $1 ORDER BY p.agenda_id, p.position, p.id`, assemblyID)
	list, err := pgx.CollectRows(rows, pgx.RowToStructByName[Photo])
	if err != nil {
		return nil, wrap("find photos", err)
	}
	m := map[int64][]Photo{}
	for _, p := range list {
		m[p.AgendaID] = append(m[p.AgendaID], p)
	}
	return m, nil
}

// photoAgenda returns an agenda and its assembly, or ENOTFOUND.
func photoAgenda(ctx context.Context, q Querier, agendaID int64) (*Agenda, *Assembly, error) {
	rows, _ := q.Query(ctx, `SELECT `+agendaColumns+` FROM agendas WHERE id = $1`, agendaID)
	g, err := pgx.CollectExactlyOneRow(rows, pgx.RowToAddrOfStructByName[Agenda])
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil, maeul.Errorf(maeul.ENOTFOUND, "photo.no_agenda")
	}
	if err != nil {
		return nil, nil, wrap("find photo agenda", err)
	}
	a, err := FindAssembly(ctx, q, g.AssemblyID)
	return g, a, err
}

// PhotoAgenda returns the agenda with that id and its assembly, or
// ENOTFOUND (photo.no_agenda).
func (s *Service) PhotoAgenda(ctx context.Context, agendaID int64) (*Agenda, *Assembly, error) {
	return photoAgenda(ctx, s.pool, agendaID)
}

// FindPhotos is the package function on the service's pool.
func (s *Service) FindPhotos(ctx context.Context, assemblyID int64) (map[int64][]Photo, error) {
	return FindPhotos(ctx, s.pool, assemblyID)
}

// AddPhoto stores a photo of an agenda sent by host userID (see the package
// function; one decode at a time per host) and tells the live viewers of
// its assembly.
func (s *Service) AddPhoto(ctx context.Context, userID, agendaID int64, caption string, data []byte) (*Photo, error) {
	p, assemblyID, err := addPhoto(ctx, s.pool, userID, agendaID, caption, data)
	if err != nil {
		return nil, err
	}
	s.OnChange(assemblyID)
	return p, nil
}

// PhotoPlace returns the agenda a photo belongs to and its assembly, or
// ENOTFOUND (photo.not_found).
func (s *Service) PhotoPlace(ctx context.Context, photoID int64) (*Agenda, *Assembly, error) {
	var agendaID int64
	err := s.pool.QueryRow(ctx, `SELECT agenda_id FROM agenda_photos WHERE id = $1`, photoID).Scan(&agendaID)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil, maeul.Errorf(maeul.ENOTFOUND, "photo.not_found")
	}
	if err != nil {
		return nil, nil, wrap("find photo", err)
	}
	return photoAgenda(ctx, s.pool, agendaID)
}

// DeletePhoto removes a photo (see the package function) and tells the live
// viewers of assembly assemblyID.
func (s *Service) DeletePhoto(ctx context.Context, assemblyID, photoID int64) error {
	if err := DeletePhoto(ctx, s.pool, photoID); err != nil {
		return err
	}
	s.OnChange(assemblyID)
	return nil
}

// PhotoFile is a stored photo with what decides who may see it.
type PhotoFile struct {
	Image                 []byte
	State, District, Dong string // of its assembly
}

// PhotoFile returns the JPEG of a photo, or ENOTFOUND.
func (s *Service) PhotoFile(ctx context.Context, id int64) (*PhotoFile, error) {
	var f PhotoFile
	err := s.pool.QueryRow(ctx, `SELECT p.image, a.state, a.district, a.dong
		FROM agenda_photos p JOIN agendas g ON g.id = p.agenda_id JOIN assemblies a ON a.id = g.assembly_id
		WHERE p.id = $1`, id).Scan(&f.Image, &f.State, &f.District, &f.Dong)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, maeul.Errorf(maeul.ENOTFOUND, "photo.not_found")
	}
	if err != nil {
		return nil, wrap("read photo", err)
	}
	return &f, nil
}

// ResizePhotoAs is ResizePhoto for a host, one decode at a time per host
// (as agenda photos): package planning's survey photos go through it.
func ResizePhotoAs(userID int64, data []byte) ([]byte, int, int, error) {
	return resizeAs(userID, data)
}
