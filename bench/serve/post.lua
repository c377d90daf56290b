-- wrk: POST a small JSON document (the echo route's body).
wrk.method = "POST"
wrk.body = '{"id":12345,"name":"lunar","tags":["a","b","c"],"score":9.5,"active":true,"nested":{"x":1,"y":[1,2,3]}}'
wrk.headers["Content-Type"] = "application/json"
