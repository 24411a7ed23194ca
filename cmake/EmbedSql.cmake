# chirp_embed_sql(OUT_CPP FILES...) generates a .cpp that defines
# chirp::detail::k_migrations, the numbered sql/ files in order, as string literals.
function(chirp_embed_sql out_cpp)
  set(files ${ARGN})
  list(SORT files)
  string(REPLACE ";" "|" files_arg "${files}")
  add_custom_command(
    OUTPUT ${out_cpp}
    COMMAND ${CMAKE_COMMAND} -DOUT=${out_cpp} "-DFILES=${files_arg}"
            -P ${PROJECT_SOURCE_DIR}/cmake/embed_sql_run.cmake
    DEPENDS ${files} ${PROJECT_SOURCE_DIR}/cmake/embed_sql_run.cmake
    COMMENT "Embedding SQL migrations"
    VERBATIM)
endfunction()
