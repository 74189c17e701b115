import { Module } from '@nestjs/common';
import { UserController } from './user.controller';
import { UserRepository } from './user.repository';
import { UserService } from './user.service';

/** user-service: controller (transport), service (logic), repository (PostgreSQL). */
@Module({
  controllers: [UserController],
  providers: [UserService, UserRepository],
})
export class UserModule {}
