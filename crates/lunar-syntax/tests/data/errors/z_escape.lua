x = 'abc\z   

  def' y