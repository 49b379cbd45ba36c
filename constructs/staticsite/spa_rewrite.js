// Viewer-request function on the S3 behavior (cloudfront-js-2.0).
// A path whose last segment has no "." is a client-side route of the SPA,
// so it is served /index.html; anything else (assets, dotfiles) is left
// alone. Without this, S3 with Origin Access Control answers a deep link
// with 403 AccessDenied (pitfall spa-deeplink). Paths under /.well-known/
// are files by definition (apple-app-site-association has no extension),
// never routes (pitfall wellknown-rewritten). The query string lives in
// request.querystring and is kept as it is.
function handler(event) {
  var request = event.request;
  var uri = request.uri;
  if (uri.indexOf('/.well-known/') === 0) {
    return request;
  }
  var last = uri.substring(uri.lastIndexOf('/') + 1);
  if (last.indexOf('.') === -1) {
    request.uri = '/index.html';
  }
  return request;
}
