/** For logs: a signed stream URL with its `sig` replaced, so a log reader cannot open the stream. */
export function redactSignedUrl(url: string): string {
  return url.replace(/([?&]sig=)[^&#\s]*/gi, '$1[redacted]');
}
