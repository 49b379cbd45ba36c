package staticsite

import (
	"fmt"

	"github.com/one-origin/staticsitewithapi/internal/upload"
)

// IsHashedFile reports whether key, a file's path relative to the site root
// with "/" separators, is a bundler's content-hashed output: a new build
// gives changed content a new name, so the file may be cached "immutable".
// It recognises what Vite (Rollup and Rolldown), esbuild, webpack (Create
// React App included) and Angular emit with their default names, and
// rejects the names people give public files: dates, dimensions, versions
// and words (pitfall asset-cache-class).
//
//   - esbuild and Angular: "<name>-" and 8 base32 characters (A-Z, 2-7)
//     anywhere: chunk-5RAUNXPL.js, media/logo-ZQ4XJ2MN.png.
//   - Vite: "<name>-" and 8 base64url characters (A-Z, a-z, 0-9, "_", "-")
//     in the top folder assets/, where Vite puts every file it hashes and no
//     other: assets/index-BxT4e1Ab.js, assets/util-3-BQuZ7-fs.js. Public
//     files that land there too (public/assets/og-image-1200x630.png) are
//     told apart by their suffix: digits only, a dimension such as
//     1200x630, or a lower-case word with trailing digits.
//   - webpack: a "."-separated part after the first of 8 or more lower-case
//     hex digits (main.8995c813.js, 1231.ed89a96c.chunk.js,
//     logo.6ce24c58023cc2f8fd88.svg) unless it is a date (20240115), or a
//     name that is 16 or more hex digits (02a0356730b537d0d45e.png, the
//     default name of webpack's asset modules).
//
// A source map or a license file named after a hashed file (x.js.map,
// x.js.LICENSE.txt) is hashed with it. When a folder holds the bundler's own
// manifest, the upload relies on that instead (HashedFiles). The rule lives
// in internal/upload, which the preview server shares.
func IsHashedFile(key string) bool { return upload.IsHashedFile(key) }

// Bundler manifests the upload reads when the build wrote one.
const (
	// ViteManifest is written by Vite with build.manifest: true.
	ViteManifest = upload.ViteManifest
	// AssetManifest is written by Create React App (webpack's
	// webpack-manifest-plugin).
	AssetManifest = upload.AssetManifest
)

// HashedFiles returns the rule that tells the content-hashed files of the
// built folder dir. With a bundler manifest in dir (ViteManifest or
// AssetManifest), the hashed files are exactly those the manifest lists
// whose names carry a hash, wherever they are, plus their source maps and
// license files; anything else, public files among them, is not. Without
// one, it is IsHashedFile.
func HashedFiles(dir string) (func(key string) bool, error) {
	hashed, err := upload.HashedFiles(dir)
	if err != nil {
		return nil, fmt.Errorf("Frontend.SourceDir: %w", err)
	}
	return hashed, nil
}
