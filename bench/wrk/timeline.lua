-- Figure 4: GET the home timeline of one user, keep-alive, with its token.
wrk.headers["Authorization"] = "Bearer " .. os.getenv("CHIRP_TOKEN")
