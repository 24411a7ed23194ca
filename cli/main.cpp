#include "run.hpp"

int main(int argc, char** argv) { return chirp::cli::run(argc, argv); }
