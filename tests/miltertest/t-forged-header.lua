-- t-forged-header: X-Fortrolig* headers from the client are removed (every one, any
-- name starting with X-Fortrolig), for members and non-members alike; only the
-- milter's own X-Fortrolig remains.
local dir = os.getenv("FORTROLIG_MT_DIR") or debug.getinfo(1, "S").source:match("^@?(.*)/") or "."
local t = dofile(dir .. "/lib.lua")

local forged = {
	{ "X-Fortrolig", "class=clean; categories=; action=deliver; forged=yes" },
	{ "X-Fortrolig-Route", "tls-verify" },
	{ "X-Fortrolig", "class=clean; forged=again" },
	{ "X-Fortrolig-Scanned", "yes" },
}

t.main(function()
	local res = t.send{ from = t.member, rcpts = { "ext@gmail.com" }, body = t.clean_text, extra_headers = forged }
	t.expect_pass(res)
	t.expect_header_deleted(res, "X-Fortrolig", 1)
	t.expect_header_deleted(res, "X-Fortrolig", 2)
	t.expect_header_deleted(res, "X-Fortrolig-Route", 1)
	t.expect_header_deleted(res, "X-Fortrolig-Scanned", 1)
	t.expect_header_added(res, "X-Fortrolig", { "class=clean" })
	t.expect_header_lacks(res, "X-Fortrolig", "forged")
	t.expect_no_header_added(res, "X-Fortrolig-Route")

	res = t.send{ from = "someone@example.org", rcpts = { "kollega@bakkeby.dk" }, body = t.clean_text,
		extra_headers = forged }
	t.expect_pass(res)
	t.expect_header_deleted(res, "X-Fortrolig", 1)
	t.expect_header_deleted(res, "X-Fortrolig", 2)
	t.expect_header_deleted(res, "X-Fortrolig-Route", 1)
	t.expect_header_deleted(res, "X-Fortrolig-Scanned", 1)
	t.expect_no_header_added(res, "X-Fortrolig")
	t.expect_no_header_added(res, "X-Fortrolig-Route")

	-- Any number of them, with names of any length: all go, none tempfails.
	local many = {}
	for i = 1, 100 do
		many[#many + 1] = { "X-Fortrolig", "class=clean; n=" .. i }
	end
	local long = "X-Fortrolig-" .. string.rep("A", 90)
	many[#many + 1] = { long, "yes" }
	res = t.send{ from = t.member, rcpts = { "ext@gmail.com" }, body = t.clean_text, extra_headers = many }
	t.expect_pass(res)
	t.expect_header_deleted(res, "X-Fortrolig", 1)
	t.expect_header_deleted(res, "X-Fortrolig", 100)
	t.expect_header_deleted(res, long, 1)
	t.expect_header_added(res, "X-Fortrolig", { "class=clean" })
end)
