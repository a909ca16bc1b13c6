-- wrk script of bench/wrk_ratio.py: POST rotating one-line JSON bodies (the file $BODIES)
-- to $WRK_PATH, with $AUTH as the Authorization header when set.
bodies = {}
for line in io.lines(os.getenv("BODIES")) do bodies[#bodies + 1] = line end
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local auth = os.getenv("AUTH")
if auth and auth ~= "" then wrk.headers["Authorization"] = auth end
local path = os.getenv("WRK_PATH")
local counter = 0
request = function()
  counter = counter + 1
  return wrk.format(nil, path, nil, bodies[(counter * 7919) % #bodies + 1])
end
