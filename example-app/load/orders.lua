-- wrk script for the restock service: POSTs one order per request, each with an Idempotency-Key of
-- its own (a per-thread prefix and a counter), and counts the answers by status.
--   wrk -t2 -c8 -d20s -s example-app/load/orders.lua http://127.0.0.1:9000/admin/restock-orders
local threads = {}
local counter = 0
local prefix = ""

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  prefix = string.format("wrk-%d-%d-%d-", os.time(), math.random(1, 1e9), id)
  codes = {}
end

function request()
  counter = counter + 1
  local body = '{"supplier_id": "sup_1", "items": [{"product_id": "prod_1", "quantity": 2, "unit_cost": 10.5}, '
    .. '{"product_id": "prod_2", "quantity": 1, "unit_cost": 4}], "notes": "load"}'
  return wrk.format("POST", nil, {
    ["Content-Type"] = "application/json",
    ["Idempotency-Key"] = prefix .. counter,
  }, body)
end

function response(status, headers, body)
  codes[status] = (codes[status] or 0) + 1
end

function done(summary, latency, requests)
  local all = {}
  for _, thread in ipairs(threads) do
    local c = thread:get("codes")
    for status, n in pairs(c) do
      all[status] = (all[status] or 0) + n
    end
  end
  for status, n in pairs(all) do
    io.write(string.format("status %d: %d\n", status, n))
  end
end
