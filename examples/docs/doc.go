// Package docs holds, as compiled and tested Go, every Go snippet of the
// guides in the repository's docs directory and of its README. The guides
// quote regions of these files marked "// doc:begin name" … "// doc:end";
// TestGuidesQuoteCompiledCode fails when a guide shows Go that is not
// here, verbatim.
package docs
