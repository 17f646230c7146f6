// Package text is the text formats that are not code: configuration, data,
// shell, SQL, markup and style sheets, and plain text. Their files have no
// grammar: each is indexed as a file node, so that exact and regex search
// cover it, and is left out of the views of the code. Markdown, whose
// headings become sections, is its own folder (internal/lang/markdown).
package text

import (
	"strings"
	"sync"

	"github.com/codegraph-dev/codegraph/internal/lang/spec"
)

// Plain is the language of a text file that no format claims ("text").
const Plain = "text"

// format declares one text format.
func format(name string, exts, names, interpreters []string, aliases ...string) *spec.Language {
	l := &spec.Language{
		Name:     name,
		Grammars: []*spec.Grammar{{Name: name}},
		Aliases:  aliases,
		Text:     true,
	}
	if len(exts) > 0 {
		l.Grammars[0].Ext = exts[0]
		l.Extensions = map[string]string{}
		for _, e := range exts {
			l.Extensions[e] = name
		}
	}
	if len(names) > 0 {
		l.FileNames = map[string]string{}
		for _, n := range names {
			l.FileNames[n] = name
		}
	}
	if len(interpreters) > 0 {
		l.Interpreters = map[string]string{}
		for _, n := range interpreters {
			l.Interpreters[n] = name
		}
	}
	return l
}

// Languages are the text formats, Plain last.
var Languages = []*spec.Language{
	format("yaml", []string{".yaml", ".yml"}, nil, nil, "yml"),
	format("json", []string{".json", ".jsonc", ".json5", ".geojson", ".ipynb"}, []string{".babelrc", ".eslintrc", ".prettierrc"}, nil),
	format("toml", []string{".toml"}, []string{"Pipfile", "Cargo.lock", "poetry.lock"}, nil),
	format("shell", []string{".sh", ".bash", ".zsh", ".ksh", ".fish"}, []string{".bashrc", ".zshrc", ".profile", ".bash_profile"},
		[]string{"sh", "bash", "zsh", "ksh", "dash", "ash", "fish"}, "sh", "bash"),
	format("sql", []string{".sql"}, nil, nil),
	format("dockerfile", []string{".dockerfile"}, []string{"Dockerfile", "Containerfile"}, nil, "docker"),
	format("make", []string{".mk", ".mak"}, []string{"Makefile", "makefile", "GNUmakefile"}, []string{"make"}, "makefile"),
	format("html", []string{".html", ".htm", ".xhtml", ".gohtml"}, nil, nil),
	format("css", []string{".css", ".scss", ".sass", ".less"}, nil, nil),
	format("xml", []string{".xml", ".xsd", ".xsl", ".xslt", ".svg", ".plist", ".csproj", ".props", ".targets"}, nil, nil),
	format("ini", []string{".ini", ".cfg", ".conf", ".properties", ".editorconfig", ".gitattributes"}, []string{".gitignore", ".dockerignore", ".codegraphignore", ".gitmodules"}, nil),
	format(Plain, []string{".txt", ".text", ".rst", ".adoc", ".csv", ".tsv", ".log"}, nil, nil),
}

// binaryExts are extensions of files that are binary by format: they are
// not text candidates, so their content is never read. (Any other file
// without a language is read, and skipped when it holds a NUL byte.) Built
// on first use: a query command never walks a tree.
var binaryExts = sync.OnceValue(func() map[string]bool {
	m := map[string]bool{}
	for _, e := range strings.Fields(`
		.png .jpg .jpeg .gif .bmp .ico .icns .webp .tif .tiff .psd .xcf .heic .avif
		.pdf .ps .eps .dvi
		.zip .gz .tgz .bz2 .tbz2 .xz .txz .zst .lz .lz4 .lzma .7z .rar .tar .cab .deb .rpm .apk .dmg .iso .img .msi
		.jar .war .ear .class .dex .aar
		.o .obj .a .lib .so .dylib .dll .exe .bin .elf .syso .pdb .ko .wasm .pyc .pyo .pyd .beam .rlib .rmeta
		.woff .woff2 .ttf .otf .eot .pfb
		.mp3 .mp4 .m4a .m4v .wav .ogg .oga .flac .aac .avi .mov .mkv .webm .wmv .flv .mid .midi
		.db .sqlite .sqlite3 .mdb .dbf .pack .idx .rdb
		.npy .npz .pkl .pickle .pt .pth .onnx .h5 .hdf5 .parquet .avro .orc .arrow .tfrecord .safetensors .gguf .ckpt
		.xls .xlsx .doc .docx .ppt .pptx .odt .ods .odp .key .numbers .pages
		.swf .fla .blend .fbx .glb .3ds .max .unitypackage
		.der .p12 .pfx .jks .keystore .gpg .pgp .sig .asc
	`) {
		m[e] = true
	}
	return m
})

// IsBinaryExt reports whether a lower-case extension (".png") names a
// binary format.
func IsBinaryExt(ext string) bool { return binaryExts()[ext] }
