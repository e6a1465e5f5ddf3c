//go:build ignore

// Command gen draws the CampusWeek icons: a white calendar on a rounded
// square in the theme colour. Run it from the repository root:
//
//	go run web/icons/gen.go
//
// It writes web/icons/icon-192.png, icon-512.png, maskable-512.png (a
// full-bleed background with the glyph inside the maskable safe zone, the
// centred circle of 80% of the width) and icon.svg.
package main

import (
	"fmt"
	"image"
	"image/color"
	"image/png"
	"log"
	"math"
	"os"
	"path/filepath"
	"strings"
)

var (
	theme  = color.NRGBA{0x34, 0x51, 0xb2, 0xff} // matches server/pwa themeColor
	white  = color.NRGBA{0xff, 0xff, 0xff, 0xff}
	accent = color.NRGBA{0xff, 0xb5, 0x47, 0xff} // the calendar's header band
	cell   = color.NRGBA{0xc9, 0xd3, 0xf5, 0xff} // days
)

// shape is a filled region in a 512×512 design space.
type shape struct {
	x0, y0, x1, y1, r float64 // rounded rectangle
	clipY1            float64 // if > 0, only the part above this y
	c                 color.NRGBA
}

func (s shape) contains(x, y float64) bool {
	if s.clipY1 > 0 && y >= s.clipY1 {
		return false
	}
	if x < s.x0 || x >= s.x1 || y < s.y0 || y >= s.y1 {
		return false
	}
	cx := math.Max(s.x0+s.r, math.Min(x, s.x1-s.r))
	cy := math.Max(s.y0+s.r, math.Min(y, s.y1-s.r))
	return (x-cx)*(x-cx)+(y-cy)*(y-cy) <= s.r*s.r
}

// glyph is the calendar, centred on (256, 256).
func glyph() []shape {
	s := []shape{
		{x0: 128, y0: 140, x1: 384, y1: 392, r: 36, c: white},               // body
		{x0: 128, y0: 140, x1: 384, y1: 392, r: 36, clipY1: 206, c: accent}, // header band
		{x0: 184, y0: 104, x1: 214, y1: 178, r: 15, c: white},               // rings
		{x0: 298, y0: 104, x1: 328, y1: 178, r: 15, c: white},
	}
	const (
		cols, rows    = 4, 3
		size          = 32.0
		left, top     = 160.0, 234.0
		gapX, gapY    = (192.0 - cols*size) / (cols - 1), 20.0
		todayR, today = 1, 2
	)
	for r := 0; r < rows; r++ {
		for c := 0; c < cols; c++ {
			col := cell
			if r == todayR && c == today {
				col = theme
			}
			x := left + float64(c)*(size+gapX)
			y := top + float64(r)*(size+gapY)
			s = append(s, shape{x0: x, y0: y, x1: x + size, y1: y + size, r: 8, c: col})
		}
	}
	return s
}

// scaled maps the glyph by k around the centre.
func scaled(shapes []shape, k float64) []shape {
	f := func(v float64) float64 { return 256 + (v-256)*k }
	out := make([]shape, len(shapes))
	for i, s := range shapes {
		s.x0, s.y0, s.x1, s.y1, s.r = f(s.x0), f(s.y0), f(s.x1), f(s.y1), s.r*k
		if s.clipY1 > 0 {
			s.clipY1 = f(s.clipY1)
		}
		out[i] = s
	}
	return out
}

func draw(size int, shapes []shape) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, size, size))
	const ss = 4 // supersampling per axis
	scale := 512 / float64(size)
	for py := 0; py < size; py++ {
		for px := 0; px < size; px++ {
			var r, g, b, a float64
			for sy := 0; sy < ss; sy++ {
				for sx := 0; sx < ss; sx++ {
					x := (float64(px) + (float64(sx)+0.5)/ss) * scale
					y := (float64(py) + (float64(sy)+0.5)/ss) * scale
					var c color.NRGBA
					for _, s := range shapes { // painter's order
						if s.contains(x, y) {
							c = s.c
						}
					}
					fa := float64(c.A) / 255
					r += float64(c.R) * fa
					g += float64(c.G) * fa
					b += float64(c.B) * fa
					a += fa
				}
			}
			n := float64(ss * ss)
			if a == 0 {
				continue
			}
			img.SetNRGBA(px, py, color.NRGBA{
				R: uint8(math.Round(r / a)), G: uint8(math.Round(g / a)), B: uint8(math.Round(b / a)),
				A: uint8(math.Round(a / n * 255)),
			})
		}
	}
	return img
}

func hexColor(c color.NRGBA) string { return fmt.Sprintf("#%02x%02x%02x", c.R, c.G, c.B) }

func svg(shapes []shape) string {
	var b strings.Builder
	b.WriteString(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 512 512" width="512" height="512">` + "\n")
	b.WriteString(`<title>CampusWeek</title>` + "\n")
	b.WriteString(`<defs><clipPath id="band"><rect x="0" y="0" width="512" height="206"/></clipPath></defs>` + "\n")
	for _, s := range shapes {
		clip := ""
		if s.clipY1 > 0 {
			clip = ` clip-path="url(#band)"`
		}
		fmt.Fprintf(&b, `<rect x="%g" y="%g" width="%g" height="%g" rx="%g" fill="%s"%s/>`+"\n",
			round(s.x0), round(s.y0), round(s.x1-s.x0), round(s.y1-s.y0), round(s.r), hexColor(s.c), clip)
	}
	b.WriteString("</svg>\n")
	return b.String()
}

func round(v float64) float64 { return math.Round(v*100) / 100 }

func writePNG(path string, img image.Image) {
	f, err := os.Create(path)
	if err != nil {
		log.Fatal(err)
	}
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(f, img); err != nil {
		log.Fatal(err)
	}
	if err := f.Close(); err != nil {
		log.Fatal(err)
	}
	fmt.Println("wrote", path)
}

func main() {
	dir := filepath.Join("web", "icons")
	if _, err := os.Stat(dir); err != nil {
		log.Fatalf("run from the repository root: %v", err)
	}

	// Regular icons: a rounded square with the glyph.
	regular := append([]shape{{x0: 0, y0: 0, x1: 512, y1: 512, r: 112, c: theme}}, glyph()...)
	writePNG(filepath.Join(dir, "icon-192.png"), draw(192, regular))
	writePNG(filepath.Join(dir, "icon-512.png"), draw(512, regular))

	// Maskable: full-bleed background; the glyph shrunk so that it lies
	// within the safe circle (radius 0.4 × 512 around the centre).
	maskable := append([]shape{{x0: 0, y0: 0, x1: 512, y1: 512, r: 0, c: theme}}, scaled(glyph(), 0.95)...)
	writePNG(filepath.Join(dir, "maskable-512.png"), draw(512, maskable))

	if err := os.WriteFile(filepath.Join(dir, "icon.svg"), []byte(svg(regular)), 0o644); err != nil {
		log.Fatal(err)
	}
	fmt.Println("wrote", filepath.Join(dir, "icon.svg"))
}
