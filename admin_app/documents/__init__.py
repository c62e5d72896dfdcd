"""Official documents: letter numbering, template registry, sandboxed rendering, PDF conversion."""
