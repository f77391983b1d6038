# An R path to the reporting API for analysts who work in R, on httr2 and jsonlite
# (CRAN; Debian: r-cran-httr2 r-cran-jsonlite). Source it, then:
#
#   api <- r4v_api("https://reporting.example.org", Sys.getenv("R4V_TOKEN"))
#   reached <- r4v_figure(api, "people-reached", month = "2021-03", group_by = "admin1")
#   reports <- r4v_list(api, "activity-reports", month = "2021-03")      # every page
#   consolidated <- r4v_export(api, "region/consolidation",              # the script's layout
#                              month_from = "2024-01", month_to = "2024-04",
#                              model = "maxsector")
#
# Every function stops with the API's problem code and message on an error answer.

r4v_api <- function(base_url, token) {
  list(base_url = sub("/+$", "", base_url), token = token)
}

r4v_request <- function(api, path, query = list()) {
  url <- if (grepl("^https?://", path)) path else paste0(api$base_url, "/api/v1/", path, "/")
  req <- httr2::request(url)
  req <- httr2::req_headers(req, Authorization = paste("Bearer", api$token),
                            Accept = "application/json")
  if (length(query)) req <- do.call(httr2::req_url_query, c(list(req), query))
  req <- httr2::req_error(req, is_error = function(resp) FALSE)
  resp <- httr2::req_perform(req)
  if (httr2::resp_status(resp) >= 400) {
    problem <- tryCatch(jsonlite::fromJSON(httr2::resp_body_string(resp)),
                        error = function(e) list(code = "error", detail = httr2::resp_status_desc(resp)))
    stop(sprintf("%s (%s): %s", httr2::resp_status(resp), problem$code, problem$detail),
         call. = FALSE)
  }
  resp
}

r4v_get <- function(api, path, ...) {
  r4v_body(r4v_request(api, path, list(...)))
}

r4v_body <- function(resp) {
  # nested objects (a report's breakdowns) become columns such as age_sex.girls
  jsonlite::fromJSON(httr2::resp_body_string(resp), flatten = TRUE)
}

# A figure: its rows as a data frame; the head (model, countries, method...) as attributes.
r4v_figure <- function(api, figure, ...) {
  body <- r4v_get(api, paste0("figures/", figure), ...)
  rows <- as.data.frame(body$results)
  for (name in setdiff(names(body), "results")) attr(rows, name) <- body[[name]]
  rows
}

# Every page of a list, bound into one data frame.
r4v_list <- function(api, path, ...) {
  body <- r4v_get(api, path, ...)
  pages <- list(as.data.frame(body$results))
  while (!is.null(body$`next`)) {
    body <- r4v_body(r4v_request(api, body$`next`))
    pages[[length(pages) + 1]] <- as.data.frame(body$results)
  }
  jsonlite::rbind_pages(pages)
}

# A list, figure or series as its CSV export (every row, no pages), read as a data frame.
# What a figure says about itself (the "# name",value lines before its table: months,
# method, approval...) comes as the data frame's attribute "about", a named list.
r4v_export <- function(api, path, ...) {
  resp <- r4v_request(api, paste0(path, "/export"), list(..., format = "csv"))
  text <- rawToChar(httr2::resp_body_raw(resp))
  Encoding(text) <- "UTF-8"
  text <- sub("^\ufeff", "", text)
  about <- list()
  while (startsWith(text, "# ")) {
    line <- sub("\r?\n.*$", "", text)
    fact <- utils::read.csv(text = line, header = FALSE, colClasses = "character")
    about[[sub("^# ", "", fact[[1]])]] <- if (ncol(fact) > 1) fact[[2]] else ""
    text <- sub("^[^\n]*\n", "", text)
  }
  table <- utils::read.csv(text = text, check.names = FALSE, encoding = "UTF-8")
  attr(table, "about") <- about
  table
}
