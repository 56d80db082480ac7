# One static library per stage of the scanner, with layers the build enforces.
#
# A stage's headers are visible only to the stages that name it as a dependency: each
# stage gets an include root of its own (build/stage-include/<stage>/<folder>/<header>,
# links to the sources), and a target sees only its own root and those of the stages it
# depends on. An include of a stage that is not a dependency is "file not found".
# A stage may depend only on stages declared before it, so every arrow points down and
# no cycle can form.
#
#   mlaudit_stage(<name>
#     [BASE <dir>]                  folders and files are relative to it (default scanner/)
#     [FOLDERS <folder>...]         every .h/.cpp directly inside (not in subfolders)
#     [FILES <file>...]             single files, for a folder shared by two stages
#     [SOURCES <file>...]           extra sources by absolute path (generated files)
#     [PUBLIC_STAGES <stage>...]    stages this one's headers include
#     [PRIVATE_STAGES <stage>...]   stages only its sources include
#     [PUBLIC_LIBS <target>...]     outside libraries its headers include
#     [PRIVATE_LIBS <target>...])   outside libraries only its sources use
#
# The target is mlaudit_<name>; the global property MLAUDIT_STAGES lists every stage.

set(MLAUDIT_STAGE_INCLUDE_ROOT ${CMAKE_BINARY_DIR}/stage-include)
file(REMOVE_RECURSE ${MLAUDIT_STAGE_INCLUDE_ROOT})  # no stale header survives a move

function(mlaudit_stage name)
  cmake_parse_arguments(STAGE "" "BASE"
    "FOLDERS;FILES;SOURCES;PUBLIC_STAGES;PRIVATE_STAGES;PUBLIC_LIBS;PRIVATE_LIBS" ${ARGN})
  if(NOT STAGE_BASE)
    set(STAGE_BASE ${CMAKE_SOURCE_DIR}/scanner)
  endif()
  foreach(dependency IN LISTS STAGE_PUBLIC_STAGES STAGE_PRIVATE_STAGES)
    if(NOT TARGET mlaudit_${dependency})
      message(FATAL_ERROR "stage '${name}' depends on '${dependency}', which is not declared before it: "
                          "a stage depends only on the stages below it")
    endif()
  endforeach()

  set(files)
  foreach(folder IN LISTS STAGE_FOLDERS)
    file(GLOB found CONFIGURE_DEPENDS RELATIVE ${STAGE_BASE} ${STAGE_BASE}/${folder}/*.h ${STAGE_BASE}/${folder}/*.cpp)
    list(APPEND files ${found})
  endforeach()
  list(APPEND files ${STAGE_FILES})

  set(include_root ${MLAUDIT_STAGE_INCLUDE_ROOT}/${name})
  set(sources ${STAGE_SOURCES})
  foreach(file IN LISTS files)
    if(file MATCHES "\\.h$")
      get_filename_component(folder ${include_root}/${file} DIRECTORY)
      file(MAKE_DIRECTORY ${folder})
      file(CREATE_LINK ${STAGE_BASE}/${file} ${include_root}/${file} SYMBOLIC)
    else()
      list(APPEND sources ${STAGE_BASE}/${file})
    endif()
  endforeach()

  set(target mlaudit_${name})
  if(sources)
    add_library(${target} STATIC ${sources})
    target_include_directories(${target} PUBLIC ${include_root})
    target_compile_options(${target} PRIVATE -Wall -Wextra -Wno-missing-field-initializers)
    set(public PUBLIC)
    set(private PRIVATE)
  else()  # headers only
    add_library(${target} INTERFACE)
    target_include_directories(${target} INTERFACE ${include_root})
    set(public INTERFACE)
    set(private INTERFACE)
  endif()
  foreach(dependency IN LISTS STAGE_PUBLIC_STAGES)
    target_link_libraries(${target} ${public} mlaudit_${dependency})
  endforeach()
  foreach(dependency IN LISTS STAGE_PRIVATE_STAGES)
    target_link_libraries(${target} ${private} mlaudit_${dependency})
  endforeach()
  target_link_libraries(${target} ${public} ${STAGE_PUBLIC_LIBS})
  target_link_libraries(${target} ${private} ${STAGE_PRIVATE_LIBS})
  set_property(GLOBAL APPEND PROPERTY MLAUDIT_STAGES ${name})
  set_property(GLOBAL PROPERTY MLAUDIT_STAGE_${name}_DEPENDENCIES ${STAGE_PUBLIC_STAGES} ${STAGE_PRIVATE_STAGES})
endfunction()

# A test that a source of `stage` including `header` builds (EXPECT builds) or fails
# because the header is not there (EXPECT missing): it compiles one generated file that
# sees exactly what the stage's own sources see.
function(mlaudit_layer_test stage header expect)
  string(MAKE_C_IDENTIFIER "${header}" header_id)
  set(id ${stage}_${header_id})
  set(test "Layers.${stage}_includes_${header_id}")
  set(source ${CMAKE_BINARY_DIR}/layer-tests/${id}.cpp)
  file(WRITE ${source} "#include \"${header}\"\n")
  add_library(layer_test_${id} OBJECT EXCLUDE_FROM_ALL ${source})
  get_property(dependencies GLOBAL PROPERTY MLAUDIT_STAGE_${stage}_DEPENDENCIES)
  list(TRANSFORM dependencies PREPEND mlaudit_)
  target_link_libraries(layer_test_${id} PRIVATE mlaudit_${stage} ${dependencies})
  add_test(NAME ${test} COMMAND ${CMAKE_COMMAND} --build ${CMAKE_BINARY_DIR} --target layer_test_${id})
  # one build tool at a time in the build folder
  set_tests_properties(${test} PROPERTIES RESOURCE_LOCK mlaudit_build_folder)
  if(expect STREQUAL "missing")
    # gcc says "HEADER: No such file or directory", clang "'HEADER' file not found".
    set_tests_properties(${test} PROPERTIES
      PASS_REGULAR_EXPRESSION "${header}: No such file or directory;'${header}' file not found")
  else()
    set_tests_properties(${test} PROPERTIES FAIL_REGULAR_EXPRESSION "error:")
  endif()
endfunction()
