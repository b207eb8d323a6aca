#
# Newsroom's edge cache: Varnish 7 (Debian 12's 7.1) with the xkey vmod from varnish-modules.
# docs/edge.md says how to run it; tests/test_edge_vcl.py and tests/test_edge_cache.py run it
# in a real varnishd in front of a test origin.
#
# - Pages are kept as long as the origin's Cache-Control says (s-maxage, then max-age), and are
#   retired early by key: the origin names what each response shows in `Surrogate-Key`, and a
#   `PURGE /` request with an `xkey-purge` header from an address in `purgers` retires every
#   page naming one of those keys (the edge app's edge.purge task sends it).
# - Readers get the last good copy of a page for up to six hours while the origin is down,
#   failing or too slow to answer its health probe; on expiry one request goes to the origin
#   while the others wait for it, or are served the copy that just expired.
# - Signed-in editors, previews, the admin, forms and the operators' addresses are never cached.
#   Every other request reaches the origin without cookies.
# - Text is stored gzipped; readers whose browser does not take gzip get it unzipped.
#
# Before deploying, edit: the backend's .host and .port (and the probe's Host), the purgers
# ACL, and "^/admin/" in vcl_recv if ADMIN_URL is not "admin/".

vcl 4.1;

import std;
import xkey;

# The origin: gunicorn, or a load balancer in front of the web processes. Keep this the first
# backend block: tests and checks point it at their own origin by rewriting .host and .port.
backend origin {
    .host = "127.0.0.1";
    .port = "8000";
    .connect_timeout = 2s;
    .first_byte_timeout = 30s;
    .between_bytes_timeout = 10s;
    # The origin is sick after 3 of the last 5 probes fail (about 6 seconds), and healthy again
    # after 3 succeed. While it is sick no request is sent to it: readers get what is kept.
    # The Host is one of ALLOWED_HOSTS (the origin answers 400 to any other): change it here
    # if localhost is not one of yours.
    .probe = {
        .request =
            "GET /healthz HTTP/1.1"
            "Host: localhost"
            "User-Agent: Varnish health probe"
            "Connection: close";
        .expected_response = 200;
        .interval = 2s;
        .timeout = 1s;
        .window = 5;
        .threshold = 3;
        # Healthy from the start: serving begins at once, not after three probes.
        .initial = 3;
    }
}

# Who may purge, and see the keys a page carries: the machines that run the edge.purge task
# (web processes, and workers when there is a broker). Add their addresses or networks, e.g.
# "10.0.0.0"/8; nothing else.
acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    # The edge's own flags between restarts; a client never sets them.
    if (req.restarts == 0) {
        unset req.http.X-Edge-Refresh;
        unset req.http.X-Edge-Fallback;
        unset req.http.X-Edge-Lookup;
    }

    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(403, "Forbidden"));
        }
        if (!req.http.xkey-purge) {
            return (synth(400, "A purge names its keys in the xkey-purge header"));
        }
        # Soft: purged pages stay in grace, so while the origin is down readers still get the
        # last good copy; while it is healthy vcl_hit fetches the page afresh (a miss).
        set req.http.X-Purged = xkey.softpurge(req.http.xkey-purge);
        return (synth(200, "Purged"));
    }

    if (req.http.host) {
        set req.http.host = req.http.host.lower();
    } elsif (req.proto == "HTTP/1.1") {
        return (synth(400));
    }

    # One copy of each page for every browser that takes gzip, one for those that do not.
    # (Varnish 7.1 speaks no brotli: readers of the edge get gzip.)
    if (req.http.Accept-Encoding ~ "(?i)\bgzip\b") {
        set req.http.Accept-Encoding = "gzip";
    } else {
        unset req.http.Accept-Encoding;
    }

    if (req.method != "GET" && req.method != "HEAD") {
        if (req.method ~ "^(POST|PUT|PATCH|DELETE|OPTIONS|TRACE)$") {
            return (pass);
        }
        return (synth(405));
    }

    # Never cached, and the cookies go through:
    # - the admin (ADMIN_URL: change "^/admin/" here if it is not "admin/");
    # - previews: share links (/preview/<token>/) and the admin's own;
    # - the submission form and its files, and the media library's search (editors only);
    # - the operators' addresses, which must say what the process says now.
    if (req.url ~ "^/admin/"
        || req.url ~ "^/preview/"
        || req.url ~ "^/submit/"
        || req.url ~ "^/library/"
        || req.url ~ "^/(healthz|readyz|metrics)(\?|$)") {
        return (pass);
    }
    # A signed-in editor (Django's session cookie, SESSION_COOKIE_NAME's default) sees pages
    # as they are, edits and all; so does anyone sending credentials.
    if (req.http.Cookie ~ "(^|;)\s*sessionid=" || req.http.Authorization) {
        return (pass);
    }
    # Everyone else is a reader: no cookie reaches the origin (a lone csrftoken is not a
    # sign-in), so every reader shares one copy of each page.
    unset req.http.Cookie;

    # How stale a copy may be served (req.grace caps each copy's own grace, six hours; it is
    # kept across restarts, so each branch sets it):
    if (req.http.X-Edge-Fallback) {
        # the origin failed this request: any copy within its grace;
        set req.grace = 6h;
    } elsif (req.http.X-Edge-Refresh) {
        # a purged copy, with the origin healthy: none, the page is fetched afresh;
        set req.grace = 0s;
    } elsif (std.healthy(req.backend_hint)) {
        # the origin healthy: a copy expired less than 10 s ago, while one request fetches
        # the new one (an older copy waits for that request);
        set req.grace = 10s;
    } else {
        # the origin sick: any copy within its grace, and no request is sent to the origin.
        set req.grace = 6h;
    }

    set req.http.X-Edge-Lookup = "1";
    return (hash);
}

sub vcl_hash {
    hash_data(req.url);
    if (req.http.host) {
        hash_data(req.http.host);
    } else {
        hash_data(server.ip);
    }
    # An http request gets a redirect to https from the origin; it must never be served to a
    # request that came in over https, nor the other way round.
    hash_data(req.http.X-Forwarded-Proto);
    return (lookup);
}

sub vcl_hit {
    # A copy that ended before the time it was stored for was purged: with the origin healthy,
    # the reader gets the page afresh (one request goes; others wait for it), not the purged
    # copy. X-Edge-Expires is that time, to the second: a purge in the last second of a
    # copy's life counts as its expiry.
    if (obj.ttl <= 0s
        && !req.http.X-Edge-Fallback
        && std.healthy(req.backend_hint)
        && now < std.time(obj.http.X-Edge-Expires, now)) {
        set req.http.X-Edge-Refresh = "1";
        return (restart);
    }
    return (deliver);
}

sub vcl_miss {
    # The origin failed this request and no copy is kept: say so now rather than ask the
    # origin a second time (a timeout would make the reader wait twice).
    if (req.http.X-Edge-Fallback) {
        return (synth(503, "Service Unavailable"));
    }
    return (fetch);
}

sub vcl_backend_fetch {
    unset bereq.http.X-Edge-Refresh;
    unset bereq.http.X-Edge-Fallback;
    unset bereq.http.X-Edge-Lookup;
    # A page the origin cannot start sending in 5 s (it takes milliseconds) counts as failed:
    # readers get the kept copy rather than wait, each in turn, for an origin in trouble.
    # The admin and forms keep the backend's 30 s.
    if (!bereq.uncacheable) {
        set bereq.first_byte_timeout = 5s;
    }
    return (fetch);
}

sub vcl_backend_response {
    # Text is stored (or passed) gzipped, unless the origin compressed it already.
    if (!beresp.http.Content-Encoding
        && beresp.http.Content-Type ~ "(?i)^(text/|application/(.+\+)?(json|xml|javascript)|image/svg\+xml)") {
        set beresp.do_gzip = true;
    }

    if (bereq.uncacheable) {
        return (deliver);
    }

    # The origin failed a page: nothing is stored, so a kept copy stays. A background refresh
    # is dropped (readers keep getting the expired copy); a reader's request ends in vcl_synth,
    # which looks for a kept copy.
    if (beresp.status >= 500) {
        return (abandon);
    }

    # The origin decides what is kept. Varnish has read s-maxage, else max-age, into
    # beresp.ttl; a response without Cache-Control is not kept (no default lifetime for an
    # address the origin forgot about). Varnish's built-in rules then make hit-for-miss, and
    # end here, what is not to be kept: no lifetime, private, no-cache, no-store, Set-Cookie.
    if (!beresp.http.Cache-Control) {
        set beresp.ttl = 0s;
    }
    call vcl_builtin_backend_response;

    # Kept. Surrogate keys, for purging: xkey indexes the copy on its xkey header.
    if (beresp.http.Surrogate-Key) {
        set beresp.http.xkey = beresp.http.Surrogate-Key;
    }
    # Six hours of grace whatever the origin says: the last good copy while the origin is down
    # (vcl_recv allows 10 s of it while the origin is healthy). X-Edge-Expires, for vcl_hit:
    # when the copy ends unless purged first.
    set beresp.grace = 6h;
    set beresp.http.X-Edge-Expires = now + beresp.ttl;
    return (deliver);
}

sub vcl_backend_error {
    # Unreachable, or no answer in time: for a page, as for an error answer above.
    if (!bereq.uncacheable) {
        return (abandon);
    }
}

sub vcl_deliver {
    # For operators and tests: was this a hit, a stale copy (grace), a miss or a pass?
    if (obj.uncacheable) {
        set resp.http.X-Cache = "PASS";
    } elsif (obj.hits > 0 && obj.ttl <= 0s) {
        set resp.http.X-Cache = "STALE";
    } elsif (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }

    unset resp.http.X-Edge-Expires;
    # Readers never see the keys; a purger asking with X-Newsroom-Debug-Keys: 1 does.
    if (!(req.http.X-Newsroom-Debug-Keys == "1" && client.ip ~ purgers)) {
        unset resp.http.Surrogate-Key;
        unset resp.http.xkey;
    }
    return (deliver);
}

sub vcl_synth {
    # The origin failed a reader's request for a page: the last good copy, if one is kept.
    if (resp.status == 503 && req.http.X-Edge-Lookup && !req.http.X-Edge-Fallback) {
        set req.http.X-Edge-Fallback = "1";
        return (restart);
    }
    if (req.method == "PURGE" && resp.status == 200) {
        # The count of pages purged, in a header and as the body.
        set resp.http.X-Purged = req.http.X-Purged;
        set resp.http.Content-Type = "text/plain; charset=utf-8";
        set resp.body = req.http.X-Purged + {" purged
"};
        return (deliver);
    }
    if (resp.status == 503 && req.http.X-Edge-Fallback) {
        set resp.http.Content-Type = "text/html; charset=utf-8";
        set resp.http.Retry-After = "30";
        set resp.http.Cache-Control = "no-store";
        set resp.body = {"<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Back in a moment</title></head>
<body><h1>Back in a moment</h1><p>This page cannot be shown just now. Please try again in a
minute.</p></body></html>
"};
        return (deliver);
    }
}
