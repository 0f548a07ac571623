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
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"golang.org/x/image/draw"

	"maeul"
	"maeul/account"
	"maeul/i18n"
	"maeul/web"
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

// photoSlots bounds the decodes running at once: a large photo takes up to
// a few hundred megabytes while it is being scaled.
var photoSlots = make(chan struct{}, 2)

// ResizePhoto decodes a JPEG, PNG or GIF, scales it down to at most 800 px
// wide (Catmull-Rom) and encodes it as a JPEG of quality 80; transparent
// parts become white. Returns EINVALID if data is not such an image or has
// more than 50 million pixels.
func ResizePhoto(data []byte) (out []byte, w, h int, err error) {
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil || (format != "jpeg" && format != "png" && format != "gif") {
		return nil, 0, 0, maeul.FieldErrorf(maeul.EINVALID, "photo", "photo.bad_image")
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || int64(cfg.Width)*int64(cfg.Height) > MaxPhotoPixels {
		return nil, 0, 0, maeul.FieldErrorf(maeul.EINVALID, "photo", "photo.too_many_pixels")
	}
	photoSlots <- struct{}{}
	defer func() { <-photoSlots }()
	src, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, 0, 0, maeul.FieldErrorf(maeul.EINVALID, "photo", "photo.bad_image")
	}
	b := src.Bounds()
	w, h = b.Dx(), b.Dy()
	if w > PhotoMaxWidth {
		h = max(1, int((int64(h)*PhotoMaxWidth+int64(w)/2)/int64(w)))
		w = PhotoMaxWidth
	}
	// Flatten onto white first (JPEG has no transparency); scaling an
	// *image.RGBA with draw.Src takes the scaler's fast path.
	flat := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(flat, flat.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)
	draw.Draw(flat, flat.Bounds(), src, b.Min, draw.Over)
	dst := flat
	if w != b.Dx() || h != b.Dy() {
		dst = image.NewRGBA(image.Rect(0, 0, w, h))
		draw.CatmullRom.Scale(dst, dst.Bounds(), flat, flat.Bounds(), draw.Src, nil)
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, dst, &jpeg.Options{Quality: PhotoQuality}); err != nil {
		return nil, 0, 0, err
	}
	return buf.Bytes(), w, h, nil
}

// AddPhoto stores a photo of an agenda after ResizePhoto. Returns EINVALID
// for a bad image or caption, ENOTFOUND for an unknown agenda and ECONFLICT
// once voting has opened (the assembly row is locked while checking, so the
// photo cannot land after the opening).
func AddPhoto(ctx context.Context, pool *pgxpool.Pool, agendaID int64, caption string, data []byte) (*Photo, error) {
	caption = strings.TrimSpace(strings.ReplaceAll(strings.ToValidUTF8(caption, ""), "\x00", ""))
	if utf8.RuneCountInString(caption) > MaxPhotoCaption {
		return nil, maeul.FieldErrorf(maeul.EINVALID, "caption", "photo.caption_long", MaxPhotoCaption)
	}
	img, w, h, err := ResizePhoto(data)
	if err != nil {
		return nil, err
	}
	var p *Photo
	err = pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if err := lockAgendaForPhotos(ctx, tx, agendaID); err != nil {
			return err
		}
		rows, _ := tx.Query(ctx, `INSERT INTO agenda_photos (agenda_id, position, caption, width, height, image)
			VALUES ($1, (SELECT coalesce(max(position), 0) + 1 FROM agenda_photos WHERE agenda_id = $1), $2, $3, $4, $5)
			RETURNING id, agenda_id, position, caption, width, height, created_at`, agendaID, caption, w, h, img)
		p, err = pgx.CollectExactlyOneRow(rows, pgx.RowToAddrOfStructByName[Photo])
		return err
	})
	return p, err
}

// DeletePhoto removes a photo. Returns ENOTFOUND for an unknown photo and
// ECONFLICT once voting has opened.
func DeletePhoto(ctx context.Context, pool *pgxpool.Pool, id int64) error {
	return pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		var agendaID int64
		err := tx.QueryRow(ctx, `SELECT agenda_id FROM agenda_photos WHERE id = $1`, id).Scan(&agendaID)
		if errors.Is(err, pgx.ErrNoRows) {
			return maeul.Errorf(maeul.ENOTFOUND, "photo.not_found")
		}
		if err != nil {
			return err
		}
		if err := lockAgendaForPhotos(ctx, tx, agendaID); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `DELETE FROM agenda_photos WHERE id = $1`, id)
		return err
	})
}

// lockAgendaForPhotos takes a share lock on the agenda's assembly (opening
// the vote updates that row, so it waits for us) and refuses with ECONFLICT
// once the rules are frozen.
func lockAgendaForPhotos(ctx context.Context, tx pgx.Tx, agendaID int64) error {
	var state string
	err := tx.QueryRow(ctx, `SELECT a.state FROM agendas g JOIN assemblies a ON a.id = g.assembly_id
		WHERE g.id = $1 FOR SHARE OF a`, agendaID).Scan(&state)
	if errors.Is(err, pgx.ErrNoRows) {
		return maeul.Errorf(maeul.ENOTFOUND, "photo.no_agenda")
	}
	if err != nil {
		return err
	}
	if (&Assembly{State: state}).RulesFrozen() {
		return maeul.Errorf(maeul.ECONFLICT, "photo.frozen")
	}
	return nil
}

// FindPhotos returns the photos of the assembly's agendas in their order, by
// agenda id (without the image bytes).
func FindPhotos(ctx context.Context, q Querier, assemblyID int64) (map[int64][]Photo, error) {
	rows, _ := q.Query(ctx, `SELECT p.id, p.agenda_id, p.position, p.caption, p.width, p.height, p.created_at
		FROM agenda_photos p JOIN agendas g ON g.id = p.agenda_id
		WHERE g.assembly_id = $1 ORDER BY p.agenda_id, p.position, p.id`, assemblyID)
	list, err := pgx.CollectRows(rows, pgx.RowToStructByName[Photo])
	if err != nil {
		return nil, err
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
		return nil, nil, err
	}
	a, err := FindAssembly(ctx, q, g.AssemblyID)
	return g, a, err
}

// photosPage is the host's page of one agenda's photos.
type photosPage struct {
	web.Page
	A       *Assembly
	Agenda  *Agenda
	Photos  []Photo
	Frozen  bool
	Error   string
	Caption string
	Done    string
}

func (s *Service) renderPhotos(c *fiber.Ctx, a *Assembly, g *Agenda, errMsg, caption string) error {
	all, err := FindPhotos(c.UserContext(), s.Env.Pool, a.ID)
	if err != nil {
		return err
	}
	lang := web.Lang(c)
	p := photosPage{Page: web.NewPage(c, i18n.T(lang, "photo.title", g.Number, g.Title)), A: a, Agenda: g,
		Photos: all[g.ID], Frozen: a.RulesFrozen(), Error: errMsg, Caption: caption}
	p.NoIndex = true
	p.Rehearsal = a.RehearsalOf != nil
	switch c.Query("done") {
	case "added":
		p.Done = i18n.T(lang, "photo.added")
	case "deleted":
		p.Done = i18n.T(lang, "photo.deleted")
	}
	return s.Env.Views.Render(c, "assembly/photos", p)
}

// managedAgenda loads the agenda of the URL's :id for a host who manages it.
func (s *Service) managedAgenda(c *fiber.Ctx, param string) (*Agenda, *Assembly, error) {
	id := web.ParseID(c.Params(param))
	if id == 0 {
		return nil, nil, maeul.Errorf(maeul.ENOTFOUND, "photo.no_agenda")
	}
	g, a, err := photoAgenda(c.UserContext(), s.Env.Pool, id)
	if err != nil {
		return nil, nil, err
	}
	if !account.CurrentUser(c).CanManage(a.District, a.Dong) {
		return nil, nil, account.Forbid()
	}
	return g, a, nil
}

func (s *Service) photosPage(c *fiber.Ctx) error {
	g, a, err := s.managedAgenda(c, "id")
	if err != nil {
		return err
	}
	return s.renderPhotos(c, a, g, "", "")
}

// uploadedPhoto reads the multipart field "photo"; EINVALID if it is
// missing or larger than 10 MB.
func uploadedPhoto(c *fiber.Ctx) ([]byte, error) {
	fh, err := c.FormFile("photo")
	if err != nil || fh.Size == 0 {
		return nil, maeul.FieldErrorf(maeul.EINVALID, "photo", "photo.missing")
	}
	if fh.Size > MaxPhotoBytes {
		return nil, maeul.FieldErrorf(maeul.EINVALID, "photo", "photo.too_big", MaxPhotoBytes>>20)
	}
	f, err := fh.Open()
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, MaxPhotoBytes+1))
}

func (s *Service) uploadPhoto(c *fiber.Ctx) error {
	g, a, err := s.managedAgenda(c, "id")
	if err != nil {
		return err
	}
	caption := c.FormValue("caption")
	data, err := uploadedPhoto(c)
	if err == nil {
		_, err = AddPhoto(c.UserContext(), s.Env.Pool, g.ID, caption, data)
	}
	var me *maeul.Error
	if errors.As(err, &me) && me.Code == maeul.EINVALID {
		c.Status(fiber.StatusUnprocessableEntity)
		return s.renderPhotos(c, a, g, web.Message(web.Lang(c), me), caption)
	}
	if err != nil {
		return err
	}
	s.OnChange(a.ID)
	return c.Redirect("/host/agendas/"+g.IDString()+"/photos?done=added", fiber.StatusSeeOther)
}

func (s *Service) deletePhoto(c *fiber.Ctx) error {
	id := web.ParseID(c.Params("id"))
	var agendaID int64
	err := s.Env.Pool.QueryRow(c.UserContext(), `SELECT agenda_id FROM agenda_photos WHERE id = $1`, id).Scan(&agendaID)
	if errors.Is(err, pgx.ErrNoRows) {
		return maeul.Errorf(maeul.ENOTFOUND, "photo.not_found")
	}
	if err != nil {
		return err
	}
	_, a, err := photoAgenda(c.UserContext(), s.Env.Pool, agendaID)
	if err != nil {
		return err
	}
	if !account.CurrentUser(c).CanManage(a.District, a.Dong) {
		return account.Forbid()
	}
	if err := DeletePhoto(c.UserContext(), s.Env.Pool, id); err != nil {
		return err
	}
	s.OnChange(a.ID)
	if web.WantsJSON(c) {
		return c.SendStatus(fiber.StatusNoContent)
	}
	return c.Redirect("/host/agendas/"+strconv.FormatInt(agendaID, 10)+"/photos?done=deleted", fiber.StatusSeeOther)
}

// apiUploadPhoto is POST /api/v1/assemblies/{id}/agendas/{agendaID}/photos.
func (s *Service) apiUploadPhoto(c *fiber.Ctx) error {
	g, a, err := s.managedAgenda(c, "agendaID")
	if err != nil {
		return err
	}
	if a.ID != web.ParseID(c.Params("id")) {
		return maeul.Errorf(maeul.ENOTFOUND, "photo.no_agenda")
	}
	data, err := uploadedPhoto(c)
	if err != nil {
		return err
	}
	p, err := AddPhoto(c.UserContext(), s.Env.Pool, g.ID, c.FormValue("caption"), data)
	if err != nil {
		return err
	}
	s.OnChange(a.ID)
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{
		"id": strconv.FormatInt(p.ID, 10), "width": p.Width, "height": p.Height, "url": p.URL(), "caption": p.Caption,
	})
}

// servePhoto is GET /photos/{id}.jpg: public when its assembly is, else only
// for hosts who may read the assembly (404 for everyone else, so drafts do
// not leak). Photos never change in place, so they are cached for a year.
func (s *Service) servePhoto(c *fiber.Ctx) error {
	id := web.ParseID(c.Params("id"))
	if id == 0 {
		return maeul.Errorf(maeul.ENOTFOUND, "photo.not_found")
	}
	var img []byte
	var state, district, dong string
	err := s.Env.Pool.QueryRow(c.UserContext(), `SELECT p.image, a.state, a.district, a.dong
		FROM agenda_photos p JOIN agendas g ON g.id = p.agenda_id JOIN assemblies a ON a.id = g.assembly_id
		WHERE p.id = $1`, id).Scan(&img, &state, &district, &dong)
	if errors.Is(err, pgx.ErrNoRows) {
		return maeul.Errorf(maeul.ENOTFOUND, "photo.not_found")
	}
	if err != nil {
		return err
	}
	if state == StateDraft {
		if !account.CurrentUser(c).CanRead(district, dong) {
			return maeul.Errorf(maeul.ENOTFOUND, "photo.not_found")
		}
		c.Set("Cache-Control", "private, max-age=31536000, immutable")
	} else {
		c.Set("Cache-Control", "public, max-age=31536000, immutable")
	}
	c.Set(fiber.HeaderContentType, "image/jpeg")
	return c.Send(img)
}
