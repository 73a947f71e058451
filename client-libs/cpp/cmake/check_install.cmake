# Proves the installed package works: install to a prefix, then configure, build
# and run example/ against it with find_package(dvic_log).
set(prefix ${BUILD_DIR}/install-check/prefix)
set(consumer ${BUILD_DIR}/install-check/consumer)
file(REMOVE_RECURSE ${BUILD_DIR}/install-check)
foreach(step
    "${CMAKE_COMMAND};--install;${BUILD_DIR};--prefix;${prefix}"
    "${CMAKE_COMMAND};-S;${SOURCE_DIR}/example;-B;${consumer};-DCMAKE_PREFIX_PATH=${prefix}"
    "${CMAKE_COMMAND};--build;${consumer}"
    "${CMAKE_COMMAND};-E;env;DVIC_LOG_DIR=${BUILD_DIR}/install-check;${consumer}/robot_demo")
  execute_process(COMMAND ${step} RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "failed (${rc}): ${step}")
  endif()
endforeach()
file(GLOB written ${BUILD_DIR}/install-check/dvic_log_*)
if(NOT written)
  message(FATAL_ERROR "the example wrote no dvic_log file")
endif()
