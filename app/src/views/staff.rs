//! The agency's side: the live queue board.

pub mod board_page;
