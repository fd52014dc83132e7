//! UUID4 vs UUID7 generation and what time-ordered keys do to a database index.
