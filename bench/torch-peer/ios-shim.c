/* GCC 13's libstdc++ (GLIBCXX_3.4.32) exports std::ios_base_library_init() so that objects using <iostream> pull in
   the library's iostream initialiser. Debian 12's libstdc++ (GCC 12) initialises the standard streams from the
   static ios_base::Init objects of the code that includes <iostream> (LibTorch does), so an empty definition is
   enough for libLibTorchSharp.so to load and run. Loaded with LD_PRELOAD by run.sh; never part of the tool. */
void _ZSt21ios_base_library_initv(void) {}
