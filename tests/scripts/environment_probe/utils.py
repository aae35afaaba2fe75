MARK = "shadowed"
