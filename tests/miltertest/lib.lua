-- Shared helper for fortrolig's miltertest cases.
--
-- A case file loads this with dofile() and calls t.main(function() ... end).
-- Environment (set by run-miltertest.sh):
--   FORTROLIG_MILTER    path to the fortrolig-milter binary        (required)
--   FORTROLIG_CONF      config for the case when it names none    (default: $FORTROLIG_CONF_DIR/enforce.conf)
--   FORTROLIG_CONF_DIR  directory with the generated *.conf files
--   FORTROLIG_SOCKET    libmilter socket, e.g. inet:12345@127.0.0.1 (required)
--   FORTROLIG_MT_DIR    this directory (case files dofile() lib.lua from it)
--   FORTROLIG_SRCDIR    top source dir, for lib/conf/texts_default.h (default $FORTROLIG_MT_DIR/../..)
--   FORTROLIG_MT_LOG    file that receives the milter's stderr log (log checks skipped if unset)
--   FORTROLIG_MT_VERBOSE  set: print every protocol step and its reply
--   FORTROLIG_MT_EXTERNAL set: do not start the milter, it already listens on FORTROLIG_SOCKET
--
-- A case:
--   local dir = os.getenv("FORTROLIG_MT_DIR") or debug.getinfo(1, "S").source:match("^@?(.*)/") or "."
--   local t = dofile(dir .. "/lib.lua")
--   t.main(function()
--           local res = t.send{ from = t.member, rcpts = { "ext@gmail.com" }, body = t.clean_text }
--           t.expect_pass(res)
--           t.expect_header_added(res, "X-Fortrolig", { "class=clean" })
--   end)
--
-- Every protocol step is guarded with mt.test_option(): libmilter tells miltertest to
-- skip the callbacks the filter did not register (SMFIP_NOCONNECT, SMFIP_NOHELO, ...),
-- and miltertest raises an error if the script sends one anyway.
--
-- Debian 12's miltertest prints nothing when a script fails, so t.main() prints the
-- error and a traceback to stderr itself.  It then raises the error again rather than
-- calling os.exit(): os.exit() would skip miltertest's SIGTERM to the filter and leave
-- the milter running.

local t = {}

t.milter = os.getenv("FORTROLIG_MILTER")
t.socket = os.getenv("FORTROLIG_SOCKET")
t.conf_dir = os.getenv("FORTROLIG_CONF_DIR")
t.verbose = os.getenv("FORTROLIG_MT_VERBOSE") ~= nil

local started = false
local conf_used = nil

-- ---------------------------------------------------------------- utilities

local function note(fmt, ...)
	if t.verbose then
		io.stderr:write("# " .. string.format(fmt, ...) .. "\n")
	end
end
t.note = note

local function fail(fmt, ...)
	error(string.format(fmt, ...), 2)
end
t.fail = fail

-- Reply codes come back from mt.getreply() as numbers (a char code).
local reply_names = {}
local function name_reply(code, name)
	if code ~= nil then reply_names[math.tointeger(code) or code] = name end
end
name_reply(SMFIR_CONTINUE, "SMFIR_CONTINUE")
name_reply(SMFIR_ACCEPT, "SMFIR_ACCEPT")
name_reply(SMFIR_REJECT, "SMFIR_REJECT")
name_reply(SMFIR_TEMPFAIL, "SMFIR_TEMPFAIL")
name_reply(SMFIR_DISCARD, "SMFIR_DISCARD")
name_reply(SMFIR_REPLYCODE, "SMFIR_REPLYCODE")
name_reply(SMFIR_SKIP, "SMFIR_SKIP")

function t.reply_name(code)
	code = math.tointeger(code) or code
	if reply_names[code] then return reply_names[code] end
	if type(code) == "number" and code > 32 and code < 127 then
		return string.format("'%s' (%d)", string.char(code), code)
	end
	return tostring(code)
end

local function same(a, b)
	return a ~= nil and b ~= nil and (math.tointeger(a) or a) == (math.tointeger(b) or b)
end

-- Body text is written with "\n"; SMTP wants CRLF.
local function crlf(s)
	s = s:gsub("\r\n", "\n"):gsub("\n", "\r\n")
	return s
end

local function strip_brackets(a)
	return (a:gsub("^<", ""):gsub(">$", ""))
end

-- ---------------------------------------------------------- starting the filter

-- Resolve a config: nil => FORTROLIG_CONF or $FORTROLIG_CONF_DIR/enforce.conf;
-- "monitor" => $FORTROLIG_CONF_DIR/monitor.conf; anything with a "/" is a path.
function t.conf_path(name)
	if name == nil then
		local c = os.getenv("FORTROLIG_CONF")
		if c ~= nil and c ~= "" then return c end
		name = "enforce"
	end
	if name:find("/", 1, true) then return name end
	if t.conf_dir == nil or t.conf_dir == "" then
		fail("FORTROLIG_CONF_DIR is not set (needed for config %q)", name)
	end
	return t.conf_dir .. "/" .. name .. ".conf"
end

-- Start the milter once per script.  opts.conf picks the config (see conf_path).
function t.start(opts)
	opts = opts or {}
	-- FORTROLIG_MT_EXTERNAL: the milter was started by the caller (two-instance test).
	if os.getenv("FORTROLIG_MT_EXTERNAL") ~= nil then
		started = true
		return
	end
	if started then
		if opts.conf ~= nil and t.conf_path(opts.conf) ~= conf_used then
			fail("filter already started with %s", conf_used)
		end
		return
	end
	if t.milter == nil or t.milter == "" then fail("FORTROLIG_MILTER is not set") end
	if t.socket == nil or t.socket == "" then fail("FORTROLIG_SOCKET is not set") end
	local conf = t.conf_path(opts.conf)
	local f = io.open(conf, "r")
	if f == nil then fail("config %s is not readable", conf) end
	f:close()
	note("starting %s -c %s -p %s -f", t.milter, conf, t.socket)
	mt.startfilter(t.milter, "-c", conf, "-p", t.socket, "-f")
	started = true
	conf_used = conf
end

-- Open a connection to the (started) filter, retrying while it comes up.
function t.connect()
	t.start()
	local conn = mt.connect(t.socket, 100, 0.1)
	if conn == nil then
		fail("cannot connect to the milter at %s (did it start? see its log)", t.socket)
	end
	return conn
end

-- ---------------------------------------------------------- sending a message

-- After each protocol step, anything but CONTINUE ends the transaction early.
local function step(conn, res, what, err)
	if err ~= nil then fail("%s failed: %s", what, tostring(err)) end
	local r = mt.getreply(conn)
	note("%s -> %s", what, t.reply_name(r))
	if not same(r, SMFIR_CONTINUE) then
		res.stopped_at = what
		res.reply = r
		return false
	end
	return true
end

local function default_headers(msg)
	local to = {}
	for _, r in ipairs(msg.rcpts) do to[#to + 1] = "<" .. strip_brackets(r) .. ">" end
	return {
		{ "Date", "Mon, 02 Mar 2026 10:15:00 +0100" },
		{ "From", "<" .. strip_brackets(msg.from) .. ">" },
		{ "To", table.concat(to, ", ") },
		{ "Subject", msg.subject or "Test" },
		{ "Message-ID", "<" .. (msg.qid or "mt") .. ".fortrolig-test@bakkeby.dk>" },
		{ "MIME-Version", "1.0" },
		{ "Content-Type", "text/plain; charset=utf-8" },
		{ "Content-Transfer-Encoding", "8bit" },
	}
end

--[[ Send one message on a new connection and return a result table.
  msg = {
    from    = "anne.holm@bakkeby.dk",          envelope sender (no <> needed)
    rcpts   = { "ext@gmail.com", ... },          envelope recipients
    auth    = "anne",                            optional {auth_authen} macro (sent with MAIL)
    qid     = "4ABC123",                         queue id macro i (default: generated)
    subject = "...",                             Subject for the default header list
    headers = { {"Name", "value"}, ... },        replaces the default header list
    extra_headers = { {"Name", "value"}, ... },  appended to the (default) header list
    body    = "text\n...",                       body, "\n" becomes CRLF
    client  = { host = "...", ip = "..." },     connection info (default localhost/127.0.0.1)
  }
  result = { conn = conn, reply = <final reply>, stopped_at = nil | "step name", msg = msg }
]]
local qid_seq = 0
function t.send(msg)
	assert(type(msg) == "table", "t.send needs a message table")
	assert(msg.from ~= nil, "message needs from")
	assert(msg.rcpts ~= nil and #msg.rcpts > 0, "message needs rcpts")
	qid_seq = qid_seq + 1
	msg.qid = msg.qid or string.format("MT%04dQ", qid_seq)

	local conn = t.connect()
	local res = { conn = conn, msg = msg }
	local client = msg.client or {}

	if not mt.test_option(conn, SMFIP_NOCONNECT) then
		if not step(conn, res, "connect",
		            mt.conninfo(conn, client.host or "localhost", client.ip or "127.0.0.1")) then
			return res
		end
	end
	if not mt.test_option(conn, SMFIP_NOHELO) then
		if not step(conn, res, "helo", mt.helo(conn, client.helo or "client.bakkeby.dk")) then
			return res
		end
	end

	-- MAIL-stage macros, as Postfix sends them (milter_mail_macros includes i and {auth_authen}).
	local macros = { "i", msg.qid, "{mail_addr}", strip_brackets(msg.from) }
	if msg.auth ~= nil then
		macros[#macros + 1] = "{auth_type}"
		macros[#macros + 1] = "PLAIN"
		macros[#macros + 1] = "{auth_authen}"
		macros[#macros + 1] = msg.auth
	end
	local err = mt.macro(conn, SMFIC_MAIL, table.unpack(macros))
	if err ~= nil then fail("mt.macro(SMFIC_MAIL) failed: %s", tostring(err)) end
	if not mt.test_option(conn, SMFIP_NOMAIL) then
		if not step(conn, res, "mail", mt.mailfrom(conn, "<" .. strip_brackets(msg.from) .. ">")) then
			return res
		end
	end

	for _, r in ipairs(msg.rcpts) do
		local addr = strip_brackets(r)
		err = mt.macro(conn, SMFIC_RCPT, "{rcpt_addr}", addr)
		if err ~= nil then fail("mt.macro(SMFIC_RCPT) failed: %s", tostring(err)) end
		if not mt.test_option(conn, SMFIP_NORCPT) then
			if not step(conn, res, "rcpt " .. addr, mt.rcptto(conn, "<" .. addr .. ">")) then
				return res
			end
		end
	end

	local headers = msg.headers or default_headers(msg)
	for _, h in ipairs(msg.extra_headers or {}) do headers[#headers + 1] = h end
	local raw = {}
	for _, h in ipairs(headers) do raw[#raw + 1] = h[1] .. ": " .. h[2] .. "\r\n" end
	res.raw = table.concat(raw) .. "\r\n" .. crlf(msg.body or "Hej.\n")
	if not mt.test_option(conn, SMFIP_NOHDRS) then
		for _, h in ipairs(headers) do
			if not step(conn, res, "header " .. h[1], mt.header(conn, h[1], h[2])) then
				return res
			end
		end
	end
	if not mt.test_option(conn, SMFIP_NOEOH) then
		if not step(conn, res, "eoh", mt.eoh(conn)) then return res end
	end

	if not mt.test_option(conn, SMFIP_NOBODY) then
		local body = crlf(msg.body or "Hej.\n")
		-- mt.bodystring stops at NUL; keep chunks well under libmilter's 64 KB limit.
		local pos, chunk = 1, 32768
		while pos <= #body do
			if not step(conn, res, "body", mt.bodystring(conn, body:sub(pos, pos + chunk - 1))) then
				return res
			end
			pos = pos + chunk
		end
	end

	err = mt.eom(conn)
	if err ~= nil then fail("mt.eom() failed: %s", tostring(err)) end
	res.reply = mt.getreply(conn)
	note("eom -> %s", t.reply_name(res.reply))
	return res
end

-- Close a result's connection (optional; miltertest closes everything at exit).
function t.close(res)
	if res ~= nil and res.conn ~= nil then
		mt.disconnect(res.conn)
		res.conn = nil
	end
end

-- ---------------------------------------------------------------- assertions

local function where(res)
	if res.stopped_at then return " (transaction ended at " .. res.stopped_at .. ")" end
	return ""
end

-- The final reply is one of the given SMFIR_* codes.
function t.expect_reply(res, ...)
	local want = { ... }
	for _, w in ipairs(want) do
		if same(res.reply, w) then return end
	end
	local names = {}
	for _, w in ipairs(want) do names[#names + 1] = t.reply_name(w) end
	fail("reply %s%s, expected %s", t.reply_name(res.reply), where(res), table.concat(names, " or "))
end

-- The message went through: CONTINUE or ACCEPT at end of message, no SMTP reply set.
function t.expect_pass(res)
	t.expect_reply(res, SMFIR_CONTINUE, SMFIR_ACCEPT)
end

-- Build the raw reply libmilter sends for smfi_setmlreply(code, esc, lines...):
-- "550-5.7.1 l1\r\n550-5.7.1 l2\r\n550 5.7.1 l3" (smfi_setreply: "550 5.7.1 l1").
function t.raw_reply(code, esc, lines)
	local out = {}
	for i, l in ipairs(lines) do
		local sep = (i == #lines) and " " or "-"
		out[#out + 1] = code .. sep .. esc .. " " .. l
	end
	return table.concat(out, "\r\n")
end

-- mt.eom_check(MT_SMTPREPLY) only compares "a b c" (its three arguments joined with
-- single spaces) against the raw reply with strcmp; the one- and two-argument forms
-- never match on glibc (they format a NULL).  So split the raw text at its first two spaces.
function t.reply_equals(res, raw)
	local p1 = raw:find(" ", 1, true)
	local p2 = p1 and raw:find(" ", p1 + 1, true)
	if p2 == nil then fail("reply text %q has fewer than two spaces", raw) end
	return mt.eom_check(res.conn, MT_SMTPREPLY, raw:sub(1, p1 - 1), raw:sub(p1 + 1, p2 - 1),
	                    raw:sub(p2 + 1))
end

-- The message was refused with an SMTP reply.  expected = list of candidate raw replies
-- (see t.raw_reply); at least one must be exactly what the milter set.
function t.expect_smtp_reply(res, candidates)
	t.expect_reply(res, SMFIR_REPLYCODE)
	for _, raw in ipairs(candidates) do
		-- miltertest reads the reply into a 1024-byte buffer and compares at most 1023.
		if #raw > 1023 then
			fail("expected reply is %d bytes; miltertest cannot check more than 1023", #raw)
		end
	end
	for _, raw in ipairs(candidates) do
		if t.reply_equals(res, raw) then return raw end
	end
	local shown = {}
	for _, raw in ipairs(candidates) do shown[#shown + 1] = string.format("%q", raw) end
	fail("the milter set an SMTP reply, but none of these:\n  %s", table.concat(shown, "\n  "))
end

-- Value of the n-th (from 0) header `name` the milter added (smfi_addheader or
-- smfi_insheader), or nil.
function t.added_header(res, name, n)
	return mt.getheader(res.conn, name, n or 0)
end

-- The milter added header `name`; every string in `contains` must occur in its value
-- (plain substring match).  Returns the value.
function t.expect_header_added(res, name, contains)
	local v = t.added_header(res, name, 0)
	if v == nil then fail("header %s was not added%s", name, where(res)) end
	if t.added_header(res, name, 1) ~= nil then
		fail("header %s was added more than once", name)
	end
	for _, s in ipairs(contains or {}) do
		if not v:find(s, 1, true) then
			fail("header %s: %q does not contain %q", name, v, s)
		end
	end
	note("%s: %s", name, v)
	return v
end

-- The milter added header `name` with exactly this value.
function t.expect_header_equals(res, name, value)
	local v = t.expect_header_added(res, name)
	if v ~= value then fail("header %s: %q, expected %q", name, v, value) end
	return v
end

-- The milter did not add header `name`.
function t.expect_no_header_added(res, name)
	local v = t.added_header(res, name, 0)
	if v ~= nil then fail("header %s was added: %q", name, v) end
end

-- The value of an added header does not contain `s`.
function t.expect_header_lacks(res, name, s)
	local v = t.added_header(res, name, 0)
	if v ~= nil and v:find(s, 1, true) then
		fail("header %s: %q contains %q", name, v, s)
	end
end

-- The milter removed the idx-th (1-based, default 1) client header `name`:
-- smfi_chgheader(name, idx, NULL) reaches miltertest as a change with an empty value,
-- which MT_HDRDELETE reports.
function t.expect_header_deleted(res, name, idx)
	idx = idx or 1
	if mt.eom_check(res.conn, MT_HDRDELETE, name, idx) then return end
	if mt.eom_check(res.conn, MT_HDRDELETE, name) then
		fail("header %s was deleted, but not at index %d", name, idx)
	end
	if mt.eom_check(res.conn, MT_HDRCHANGE, name) then
		fail("header %s was changed to a non-empty value instead of being removed", name)
	end
	fail("header %s was not removed%s", name, where(res))
end

-- Nothing deleted or changed.
function t.expect_no_header_changes(res)
	if mt.eom_check(res.conn, MT_HDRCHANGE) then fail("a header was changed or deleted") end
end

function t.expect_body_unchanged(res)
	if mt.eom_check(res.conn, MT_BODYCHANGE) then fail("the body was replaced") end
end

function t.expect_no_rcpt_changes(res, rcpts)
	for _, r in ipairs(rcpts or res.msg.rcpts) do
		local a = "<" .. strip_brackets(r) .. ">"
		if mt.eom_check(res.conn, MT_RCPTDELETE, a) or mt.eom_check(res.conn, MT_RCPTDELETE, strip_brackets(r)) then
			fail("recipient %s was removed", r)
		end
	end
end

-- --------------------------------------------------------------- the milter's log
--
-- run-miltertest.sh sends the milter's stderr (-f logs there) to the file named by
-- FORTROLIG_MT_LOG.  Without it (script run by hand) the log checks are skipped.

t.logfile = os.getenv("FORTROLIG_MT_LOG")

local function log_text()
	if t.logfile == nil or t.logfile == "" then return nil end
	local f = io.open(t.logfile, "r")
	if f == nil then fail("cannot read the log %s", t.logfile) end
	local s = f:read("a")
	f:close()
	return s
end

-- The milter logged one decision line for this message ("QID: fortrolig: ...") that
-- contains every string in `contains`.
function t.expect_log(res, contains)
	local s = log_text()
	if s == nil then note("FORTROLIG_MT_LOG not set: log not checked") return end
	local tag = res.msg.qid .. ": fortrolig: "
	local found = {}
	for line in s:gmatch("[^\n]+") do
		if line:find(tag, 1, true) then found[#found + 1] = line end
	end
	if #found == 0 then fail("no log line for %s", res.msg.qid) end
	for _, line in ipairs(found) do
		local all = true
		for _, c in ipairs(contains or {}) do
			if not line:find(c, 1, true) then all = false break end
		end
		if all then return line end
	end
	fail("no log line for %s contains all of {%s}:\n  %s", res.msg.qid,
	     table.concat(contains, ", "), table.concat(found, "\n  "))
end

-- The log never shows message content: none of these strings occurs in it.
function t.expect_log_lacks(...)
	local s = log_text()
	if s == nil then return end
	for _, c in ipairs({ ... }) do
		if s:find(c, 1, true) then fail("the log contains %q", c) end
	end
end

-- ------------------------------------------------------ the expected reject text
--
-- The reply is not assembled here: fortrolig-scan --reply runs the same library
-- calls on the same message, configuration and thread memory, and prints the
-- reply the milter gives. The test compares the milter's reply with it exactly.

t.scanner = os.getenv("FORTROLIG_SCANNER")

-- The reply lines fortrolig-scan --reply prints for a sent message (res from t.send).
function t.scan_reply(res)
	if t.scanner == nil or t.scanner == "" then fail("FORTROLIG_SCANNER is not set") end
	local path = os.tmpname()
	local f = assert(io.open(path, "wb"))
	f:write(res.raw)
	f:close()
	local q = function(s) return "'" .. tostring(s):gsub("'", "'\\''") .. "'" end
	local cmd = { q(t.scanner), "-c", q(conf_used or t.conf_path(nil)), "--reply",
		"--sender", q(strip_brackets(res.msg.from)) }
	if res.msg.auth ~= nil then cmd[#cmd + 1] = "--auth " .. q(res.msg.auth) end
	for _, r in ipairs(res.msg.rcpts) do cmd[#cmd + 1] = "--rcpt " .. q(strip_brackets(r)) end
	cmd[#cmd + 1] = q(path)
	local p = assert(io.popen(table.concat(cmd, " ") .. " 2>/dev/null", "r"))
	local lines = {}
	for l in p:lines() do lines[#lines + 1] = l end
	p:close()
	os.remove(path)
	return lines
end

-- The message was rejected with 550 5.7.1 and exactly the reply fortrolig-scan
-- --reply gives for it. v = { rcpts = {...} }: addresses the text must name;
-- musts = { da = {...}, en = {...} }: words (Lua patterns, case-insensitive) the
-- reply must contain.
function t.expect_reject(res, v, musts)
	local lines = t.scan_reply(res)
	if #lines == 0 or lines[1]:sub(1, 3) ~= "550" then
		fail("fortrolig-scan --reply gives %q, not a 550 reply", lines[1] or "nothing")
	end
	local raw = table.concat(lines, "\r\n")
	local text = raw:lower()
	for _, r in ipairs((v or {}).rcpts or {}) do
		if not text:find(r:lower(), 1, true) then fail("the reply does not name %s: %q", r, raw) end
	end
	for _, lang in ipairs({ "da", "en" }) do
		for _, w in ipairs((musts or {})[lang] or {}) do
			if not text:find(w:lower()) then fail("the reply lacks %q: %q", w, raw) end
		end
	end
	t.expect_smtp_reply(res, { raw })
	return lines
end

-- -------------------------------------------------------------------- running

-- Run a case.  On failure: message + traceback to stderr, then re-raise so that
-- miltertest exits non-zero *and* still stops the filter.
function t.main(fn)
	local ok, err = xpcall(fn, debug.traceback)
	if not ok then
		io.stderr:write("FAIL: ", tostring(err), "\n")
		io.stderr:flush()
		error("test failed", 0)
	end
end

-- Test data shared by the cases ------------------------------------------------

t.member = "anne.holm@bakkeby.dk"

-- A valid-looking CPR number together with a cancer diagnosis of a named person.
t.sensitive_text = "Borgeren Jens Peter Hansen, CPR-nr. 140549-0389, har fået konstateret " ..
	"lungekræft og er indlagt på onkologisk afdeling. Han starter kemoterapi i næste uge, " ..
	"og hans datter har bedt om aktindsigt i journalen.\n"

t.clean_text = "Hej\n\nTak for et godt møde i går. Jeg har sat dagsordenen for næste møde " ..
	"i kalenderen, og vi mødes som aftalt kl. 16 i mødelokale 3.\n\nVenlig hilsen\nAnne Holm\n" ..
	"Bakkeby Byråd\n"

return t
