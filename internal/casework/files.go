package casework

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"path"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/xingjian/xingjian/internal/auth"
	"github.com/xingjian/xingjian/internal/docx"
	"github.com/xingjian/xingjian/internal/store"
)

// MaxAttachment bounds one attachment (the UI checks the same before
// sending).
const MaxAttachment = 20 << 20

// Attachment is a stored file on a case, a suggestion or an escalation.
type Attachment struct {
	ID         int64  `json:"id"`
	Name       string `json:"name"`
	Size       int64  `json:"size"`
	SHA256     string `json:"sha256"`
	Mime       string `json:"mime"`
	Kind       string `json:"kind"` // upload | document (generated)
	OwnerType  string `json:"owner_type"`
	OwnerID    int64  `json:"owner_id"`
	OrgID      int64  `json:"-"`
	UploadedBy string `json:"uploaded_by"`
	CreatedAt  Time   `json:"created_at"`
}

// CheckName refuses names that carry a path or control characters; the name
// is only ever data (files are stored by hash), but a name like
// "../../etc/passwd" or "C:\x\y.doc" is a sign of a broken or hostile client.
func CheckName(name string) (string, error) {
	name = strings.TrimSpace(name)
	switch {
	case name == "":
		return "", invalid("file", "文件名不能为空")
	case !utf8.ValidString(name):
		return "", invalid("file", "文件名不是有效的 UTF-8 文本")
	case strings.ContainsAny(name, `/\`) || strings.Contains(name, ".."):
		return "", invalid("file", "文件名不能包含路径（/、\\ 或 ..），请只上传文件本身")
	case len([]rune(name)) > 200:
		return "", invalid("file", "文件名不能超过 200 个字")
	}
	for _, r := range name {
		if unicode.IsControl(r) {
			return "", invalid("file", "文件名不能包含控制字符")
		}
	}
	return name, nil
}

// storeFile writes the content (once per hash) and an attachment row.
func storeFile(ctx context.Context, tx *store.Tx, p *auth.Principal, ownerType string, ownerID, caseID int64, kind, name, mime string, data []byte, now time.Time) (int64, error) {
	sum := sha256.Sum256(data)
	h := hex.EncodeToString(sum[:])
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM file_blobs WHERE sha256 = ?`, h).Scan(&n); err != nil {
		return 0, err
	}
	if n == 0 {
		if _, err := tx.ExecContext(ctx, `INSERT INTO file_blobs (sha256, size, content, created_at) VALUES (?, ?, ?, ?)`, h, len(data), data, now.UnixMilli()); err != nil {
			return 0, fmt.Errorf("casework: store file: %w", err)
		}
	}
	org := int64(0)
	if p != nil {
		org = p.OrgID
	}
	var id int64
	if err := tx.QueryRowContext(ctx, `INSERT INTO attachments (owner_type, owner_id, case_id, kind, name, mime, size, sha256, org_id, created_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, ownerType, ownerID, caseID, kind, name, mime, len(data), h, org, userID(p), now.UnixMilli()).Scan(&id); err != nil {
		return 0, fmt.Errorf("casework: attachment: %w", err)
	}
	return id, nil
}

func (s *Service) attachments(ctx context.Context, ownerType string, ownerID int64) ([]Attachment, error) {
	rows, err := s.DB.QueryContext(ctx, `SELECT a.id, a.name, a.size, a.sha256, a.mime, a.kind, a.owner_type, a.owner_id, a.org_id, COALESCE(u.display_name, ''), a.created_at
		FROM attachments a LEFT JOIN users u ON u.id = a.created_by WHERE a.owner_type = ? AND a.owner_id = ? ORDER BY a.id`, ownerType, ownerID)
	if err != nil {
		return nil, fmt.Errorf("casework: attachments: %w", err)
	}
	defer rows.Close()
	out := []Attachment{}
	for rows.Next() {
		var a Attachment
		if err := rows.Scan(&a.ID, &a.Name, &a.Size, &a.SHA256, &a.Mime, &a.Kind, &a.OwnerType, &a.OwnerID, &a.OrgID, &a.UploadedBy, &a.CreatedAt); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

func sniff(name string, data []byte) string {
	switch strings.ToLower(path.Ext(name)) {
	case ".docx":
		return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	case ".xlsx":
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	case ".pdf":
		return "application/pdf"
	}
	return http.DetectContentType(data)
}

// AttachToCase stores an upload on a case (its team).
func (s *Service) AttachToCase(ctx context.Context, p *auth.Principal, caseID int64, name string, data []byte) (int64, error) {
	name, err := checkUpload(name, data)
	if err != nil {
		return 0, err
	}
	if !p.Can(auth.PermCaseRead) {
		return 0, ErrForbidden
	}
	var id int64
	err = s.DB.InTx(ctx, func(tx *store.Tx) error {
		if _, err := s.teamCase(ctx, tx, p, caseID); err != nil {
			return err
		}
		now := s.now()
		var err error
		if id, err = storeFile(ctx, tx, p, "case", caseID, caseID, "upload", name, sniff(name, data), data, now); err != nil {
			return err
		}
		if err := event(ctx, tx, p, caseID, 0, "attach", "", "", name, now); err != nil {
			return err
		}
		return record(ctx, tx, p, "attachment.create", "attachment", id, nil, map[string]any{"case_id": caseID, "name": name, "size": len(data)})
	})
	return id, err
}

// AttachToSuggestion stores an upload on a suggestion: by its case team, or
// by the recipient while the suggestion is open.
func (s *Service) AttachToSuggestion(ctx context.Context, p *auth.Principal, sugID int64, name string, data []byte) (int64, error) {
	name, err := checkUpload(name, data)
	if err != nil {
		return 0, err
	}
	var id int64
	err = s.DB.InTx(ctx, func(tx *store.Tx) error {
		g, err := s.loadSuggestion(ctx, tx, p, sugID)
		if err != nil {
			return err
		}
		switch {
		case p.Can(auth.PermCaseRead):
			if _, err := s.teamCase(ctx, tx, p, g.CaseID); err != nil {
				return err
			}
		case p.Can(auth.PermSuggestionReply) && g.RecipientOrgID == p.OrgID:
			if g.Status == StatusClosed || g.Status == StatusWithdrawn {
				return badTransition("该检察建议已%s，不能再上传附件", g.StatusName)
			}
		default:
			return ErrForbidden
		}
		now := s.now()
		if id, err = storeFile(ctx, tx, p, "suggestion", sugID, g.CaseID, "upload", name, sniff(name, data), data, now); err != nil {
			return err
		}
		if err := event(ctx, tx, p, g.CaseID, sugID, "attach", "", "", name, now); err != nil {
			return err
		}
		return record(ctx, tx, p, "attachment.create", "attachment", id, nil, map[string]any{"suggestion_id": sugID, "name": name, "size": len(data)})
	})
	return id, err
}

func checkUpload(name string, data []byte) (string, error) {
	name, err := CheckName(name)
	if err != nil {
		return "", err
	}
	if len(data) == 0 {
		return "", invalid("file", "文件为空")
	}
	if len(data) > MaxAttachment {
		return "", invalid("file", "附件不能超过 20 MB")
	}
	return name, nil
}

// File is an attachment's content for download.
type File struct {
	Attachment
	Content []byte
}

// OpenAttachment returns an attachment if p may see it: a procuratorate
// reader any; a recipient the documents of its suggestions and its own
// uploads; the justice bureau the documents of what was copied to it.
func (s *Service) OpenAttachment(ctx context.Context, p *auth.Principal, id int64) (File, error) {
	if !inCasework(p) {
		return File{}, ErrForbidden
	}
	var f File
	err := s.DB.QueryRowContext(ctx, `SELECT a.id, a.name, a.size, a.sha256, a.mime, a.kind, a.owner_type, a.owner_id, a.org_id, a.created_at, b.content
		FROM attachments a JOIN file_blobs b ON b.sha256 = a.sha256 WHERE a.id = ?`, id).Scan(&f.ID, &f.Name, &f.Size, &f.SHA256, &f.Mime, &f.Kind,
		&f.OwnerType, &f.OwnerID, &f.OrgID, &f.CreatedAt, &f.Content)
	if errors.Is(err, sql.ErrNoRows) {
		return File{}, ErrNotFound
	}
	if err != nil {
		return File{}, fmt.Errorf("casework: attachment %d: %w", id, err)
	}
	if p.Can(auth.PermCaseRead) {
		return f, nil
	}
	switch f.OwnerType {
	case "suggestion":
		g, err := s.loadSuggestion(ctx, s.DB, p, f.OwnerID)
		if err != nil {
			return File{}, err
		}
		if f.Kind == "document" || (f.OrgID == p.OrgID && g.RecipientOrgID == p.OrgID) {
			return f, nil
		}
	case "escalation":
		var sid int64
		var level string
		if err := s.DB.QueryRowContext(ctx, `SELECT suggestion_id, level FROM escalations WHERE id = ?`, f.OwnerID).Scan(&sid, &level); err != nil {
			return File{}, ErrNotFound
		}
		if level == LevelJusticeBureau && p.Can(auth.PermEscalationHandle) {
			return f, nil
		}
	}
	return File{}, ErrNotFound
}

// LatestDocument returns the newest generated document of a suggestion.
func (s *Service) LatestDocument(ctx context.Context, p *auth.Principal, sugID int64) (File, error) {
	if _, err := s.loadSuggestion(ctx, s.DB, p, sugID); err != nil {
		return File{}, err
	}
	var id int64
	err := s.DB.QueryRowContext(ctx, `SELECT id FROM attachments WHERE owner_type = 'suggestion' AND owner_id = ? AND kind = 'document' ORDER BY id DESC LIMIT 1`, sugID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return File{}, ErrNotFound
	}
	if err != nil {
		return File{}, err
	}
	return s.OpenAttachment(ctx, p, id)
}

const docxMime = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

// paragraphs splits a text field into body paragraphs.
func paragraphs(text string) []docx.Paragraph {
	var out []docx.Paragraph
	for _, line := range strings.Split(text, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			out = append(out, docx.Paragraph{Text: line})
		}
	}
	return out
}

// generateSuggestionDoc renders the suggestion (or opinion) document and
// stores it as the suggestion's newest document.
func (s *Service) generateSuggestionDoc(ctx context.Context, tx *store.Tx, p *auth.Principal, g Suggestion, st Settings) error {
	k, _ := KindOf(g.Kind)
	body := []docx.Paragraph{{Text: "一、基本情况", Heading: true}}
	body = append(body, paragraphs(g.Facts)...)
	body = append(body, docx.Paragraph{Text: "二、法律依据", Heading: true})
	body = append(body, paragraphs(g.LegalBasis)...)
	body = append(body, docx.Paragraph{Text: "三、检察建议", Heading: true})
	body = append(body, paragraphs(g.Requests)...)
	body = append(body, docx.Paragraph{Text: "四、回复要求", Heading: true})
	period := "两个月内"
	if g.Urgent {
		if k.UrgentPeriod != "" {
			period = "十五日内"
		} else if g.ReplyDays != nil {
			period = fmt.Sprintf("%d日内", *g.ReplyDays)
		}
	}
	body = append(body, docx.Paragraph{Text: fmt.Sprintf("请你单位自收到本%s之日起%s依法作出处理，并将处理情况书面回复本院。对本%s有异议的，可以在回复期限内书面提出。", k.DocTitle, period, k.DocTitle)})
	data, err := docx.Render(docx.Document{Organ: st.Header, Title: k.DocTitle, DocNo: derefStr(g.DocNo), Addressee: g.RecipientName,
		Paragraphs: body, Date: s.now()})
	if err != nil {
		return fmt.Errorf("casework: render %s: %w", k.DocTitle, err)
	}
	name := fmt.Sprintf("%s（%s）.docx", k.DocTitle, derefStr(g.DocNo))
	_, err = storeFile(ctx, tx, p, "suggestion", g.ID, g.CaseID, "document", name, docxMime, data, s.now())
	return err
}
